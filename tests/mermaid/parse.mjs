// Parse Mermaid diagrams with Mermaid's own parser, as GitLab's renderer would before drawing.
// stdin: a JSON array of diagram texts (without the ``` fences).
// stdout: a JSON array, one {"ok": true, "type": "xychart"} or {"ok": false, "error": "..."} each.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;  // mermaid sanitises titles with DOMPurify, which needs a DOM
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

let input = '';
for await (const chunk of process.stdin) input += chunk;
const out = [];
for (const text of JSON.parse(input)) {
  try {
    const result = await mermaid.parse(text);
    out.push({ ok: true, type: result.diagramType });
  } catch (error) {
    out.push({ ok: false, error: String(error?.message ?? error).slice(0, 500) });
  }
}
process.stdout.write(JSON.stringify(out));
