import { isAlias, isMap, isNode, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { ConfigIssue } from "../core/errors.js";

export interface YamlSource {
  /** The document as plain data; undefined when there were syntax issues. */
  value: unknown;
  issues: ConfigIssue[];
  /** 1-based line of the deepest node along a dotted path that exists in the file. */
  lineOf(path: string): number | undefined;
}

/**
 * Parses the config text keeping positions, so schema and reference issues (which carry dotted
 * paths) can also say on which line to look. Duplicate keys are errors; `<<` merge keys are
 * allowed so repeated door settings can share an anchor.
 */
export function parseYamlSource(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true, uniqueKeys: true });
  const lineOf = (path: string) => {
    const node = deepestNode(doc, path);
    return node?.range ? lines.linePos(node.range[0]).line : undefined;
  };
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { path: `line ${line}, col ${col}`, message: `YAML: ${e.message.split("\n")[0]}` };
  });
  if (problems.length > 0) return { value: undefined, issues: problems, lineOf };
  if (doc.contents === null) {
    return { value: undefined, issues: [{ path: "", message: "the file is empty; start from config/demo-center.yaml" }], lineOf };
  }
  try {
    return { value: doc.toJS(), issues: [], lineOf };
  } catch (err) {
    return { value: undefined, issues: [{ path: "", message: `YAML: ${(err as Error).message}` }], lineOf };
  }
}

function deepestNode(doc: Document, path: string): Node | undefined {
  let node: unknown = doc.contents;
  let found = isNode(node) ? node : undefined;
  if (path === "") return found;
  for (const segment of path.split(".")) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isSeq(node)) node = node.items[Number(segment)];
    else if (isMap(node)) node = node.get(segment, true);
    else break;
    if (!isNode(node)) break;
    found = node;
  }
  return found;
}
