"""Reading what AEs write: fields (:mod:`.fields`) and dates (:mod:`.dates`).

Pure functions, one concern per module: :mod:`.vocabulary` (every word, as
data), :mod:`.normalise`, :mod:`.layout` (the one line reader), :mod:`.names`,
:mod:`.values`, :mod:`.fields` (assembly), :mod:`.date_words` (dates and times
in the team's languages) and :mod:`.dates`.
"""
