'use strict';
// An independent reading of where top-level items start, following the
// format's block rules (braces nest; `\{`, `\}` and `\\` are escapes; `#`
// comments and "strings" only exist outside blocks). The grammar tests use it
// to check that no block's state leaks into the lines after it.

const ITEM = /^(setup|test|snapshot-eqp|snapshot|matrix|expect|@[A-Za-z][A-Za-z0-9_-]*)(?![A-Za-z0-9_./-])/;

/** Each line that starts a top-level item: `{ line, column, word }`. */
function topLevelItems(text) {
  const items = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i += 1) if (text[i] === '\n') lineStarts.push(i + 1);
  let depth = 0;
  let next = 0; // the next line start still to look at
  for (let i = 0; i < text.length; i += 1) {
    while (next < lineStarts.length && lineStarts[next] <= i) {
      if (depth === 0) noteItem(text, lineStarts[next], next + 1, i, items);
      next += 1;
    }
    const ch = text[i];
    if (depth === 0) {
      if (ch === '#') i = endOf(text, i, '\n') - 1;
      else if (ch === '"') i = endOfString(text, i);
      else if (ch === '{') depth = 1;
    } else if (ch === '\\' && '{}\\'.includes(text[i + 1] ?? '')) {
      i += 1;
    } else if (ch === '{') {
      depth += 1;
    } else if (ch === '}') {
      depth -= 1;
    }
  }
  return items;
}

// A line whose start is at top level (`at` is where scanning stands, which is
// past the line start when a string or comment spanned into the line).
function noteItem(text, start, line, at, items) {
  if (at > start) return;
  const indent = /^[ \t\r]*/.exec(text.slice(start, start + 256))[0].length;
  const match = ITEM.exec(text.slice(start + indent, start + indent + 64));
  if (match) items.push({ line, column: indent + 1, word: match[1] });
}

function endOf(text, from, ch) {
  const at = text.indexOf(ch, from);
  return at < 0 ? text.length : at;
}

function endOfString(text, start) {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

module.exports = { topLevelItems };
