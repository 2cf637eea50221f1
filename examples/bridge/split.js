// Split SQL text into statements, the way SQLite's shell decides a statement is
// complete: at a `;` outside quotes and comments, except inside the body of
// CREATE TRIGGER, which ends only at `END;`.

const WORD = /[\p{L}\p{N}_$]/u;

// Index just past the quoted token that starts at `start` (quotes double to escape).
function skipQuoted(sql, start, close) {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === close) {
      if (close !== ']' && sql[i + 1] === close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return sql.length;
}

// Index just past the comment at `start`, or -1 when no comment starts there.
function skipComment(sql, start) {
  if (sql.startsWith('--', start)) {
    const end = sql.indexOf('\n', start);
    return end < 0 ? sql.length : end + 1;
  }
  if (sql.startsWith('/*', start)) {
    const end = sql.indexOf('*/', start + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return -1;
}

// Whether the statement's leading words make it a trigger definition.
function isTrigger(words) {
  let i = 0;
  if (words[i] === 'EXPLAIN') {
    i += 1;
    if (words[i] === 'QUERY' && words[i + 1] === 'PLAN') i += 2;
  }
  if (words[i] !== 'CREATE') return false;
  i += 1;
  if (words[i] === 'TEMP' || words[i] === 'TEMPORARY') i += 1;
  return words[i] === 'TRIGGER';
}

/**
 * The statements of `sql`, each with its `;`; text holding no token (blank,
 * comments, stray `;`) yields nothing.
 */
export function splitStatements(sql) {
  const statements = [];
  let start = 0;
  let words = []; // the first few words, upper-cased
  let last = ''; // the last token seen
  let tokens = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const afterComment = skipComment(sql, i);
    if (afterComment >= 0) {
      i = afterComment;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      i = skipQuoted(sql, i, c === '[' ? ']' : c);
      last = 'quoted';
      tokens += 1;
    } else if (WORD.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD.test(sql[end])) end += 1;
      last = sql.slice(i, end).toUpperCase();
      if (words.length < 6) words.push(last);
      tokens += 1;
      i = end;
    } else if (c === ';') {
      i += 1;
      if (isTrigger(words) && last !== 'END') {
        last = ';';
        continue;
      }
      if (tokens > 0) statements.push(sql.slice(start, i).trim());
      start = i;
      words = [];
      last = '';
      tokens = 0;
    } else {
      if (!/\s/.test(c)) {
        last = c;
        tokens += 1;
      }
      i += 1;
    }
  }
  if (tokens > 0) statements.push(sql.slice(start).trim());
  return statements;
}
