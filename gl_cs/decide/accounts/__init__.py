"""Pure helpers about customer accounts: market segment, due dates counted from a start
date, account identity (which names and Salesforce links are one account), the CRM file."""
