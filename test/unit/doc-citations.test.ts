/**
 * Every `§` citation in src/, test/ and docs/protocol.md itself must point at a heading that exists:
 * `docs/design.md §N` at a section of docs/design.md, any other `§N.M` at a section of
 * docs/protocol.md. A chain such as `docs/design.md §4, §5` keeps the document of its first citation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT, repoPath } from '../fixtures/repo-root.js';

/** Section numbers of a markdown file's headings: `## 3. Commands` → "3", `### 3.10 SKSENDTO` → "3.10". */
function headings(file: string): Set<string> {
  const found = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
    if (m?.[1] !== undefined) found.add(m[1]);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|mts|mjs|js)$/.test(name)) out.push(path);
  }
  return out;
}

type Doc = 'protocol' | 'design';

/** The citations of one text: document and section, with a line number. */
function citations(text: string): { doc: Doc; section: string; line: number }[] {
  const out: { doc: Doc; section: string; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    let previous: { doc: Doc; end: number } | undefined;
    for (const m of line.matchAll(/§(\d+(?:\.\d+)*)/g)) {
      const start = m.index;
      const before = line.slice(0, start);
      let doc: Doc = 'protocol';
      if (/design\.md\s*$/i.test(before)) doc = 'design';
      else if (previous && /^(\s*(,|and|or|–|-)\s*)$/.test(line.slice(previous.end, start))) doc = previous.doc;
      out.push({ doc, section: m[1] ?? '', line: i + 1 });
      previous = { doc, end: start + m[0].length };
    }
  });
  return out;
}

test('the citation reader tells design citations from protocol ones, also along a chain', () => {
  const text = ['see docs/design.md §4 and §5; then §3.10', '(§7, §11.8)'].join('\n');
  assert.deepEqual(citations(text), [
    { doc: 'design', section: '4', line: 1 },
    { doc: 'design', section: '5', line: 1 },
    { doc: 'protocol', section: '3.10', line: 1 },
    { doc: 'protocol', section: '7', line: 2 },
    { doc: 'protocol', section: '11.8', line: 2 },
  ]);
});

test('every § citation in src/, test/ and docs/protocol.md names a heading of docs/protocol.md or docs/design.md', () => {
  const known: Record<Doc, Set<string>> = {
    protocol: headings(repoPath('docs', 'protocol.md')),
    design: headings(repoPath('docs', 'design.md')),
  };
  assert.ok(known.protocol.has('3.10') && known.protocol.has('11.8') && known.design.has('4'), 'headings not read');
  const broken: string[] = [];
  let checked = 0;
  const files = [...sourceFiles(repoPath('src')), ...sourceFiles(repoPath('test')), repoPath('docs', 'protocol.md')];
  for (const file of files) {
    if (file.endsWith('doc-citations.test.ts')) continue; // its own examples above
    for (const c of citations(readFileSync(file, 'utf8'))) {
      checked += 1;
      if (!known[c.doc].has(c.section))
        broken.push(`${relative(REPO_ROOT, file)}:${c.line}: §${c.section} (docs/${c.doc}.md)`);
    }
  }
  assert.ok(checked > 100, `only ${checked} citations found: is the scan looking in the right place?`);
  assert.deepEqual(broken, [], `citations without a heading:\n${broken.join('\n')}`);
});
