#!/usr/bin/env node
// A pytest-sqltest bridge for Turso's Node.js SDK (@tursodatabase/database).
//
// Speaks protocol 1 of docs/bridge-protocol.md on stdin/stdout and behaves like
// the reference runner's `js` backend: values rendered the JavaScript way,
// error messages without the SDK's "step failed: "-style prefixes.
//
//   node bridge.js [--no-reopen]
//
// One process serves case after case, each on a new database (the hello
// says "reopen"); --no-reopen asks the runner for a new process per case.
// --reopen, the old way to ask for reuse, is still accepted.

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { connect } from '@tursodatabase/database';
import { splitStatements } from './split.js';

const PROTOCOL = 1;
// The engine features the reference runner's js backend switches on.
const EXPERIMENTAL = ['triggers', 'attach', 'generated_columns', 'without_rowid'];
const MVCC_PRAGMA = "PRAGMA journal_mode = 'mvcc'";
const SDK_PREFIXES = ['step failed: ', 'prepare failed: ', 'reset failed: '];

function sdkVersion() {
  try {
    const url = new URL('./node_modules/@tursodatabase/database/package.json', import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// One cell as the js reference prints it.
export function renderValue(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '';
    if (value === Infinity) return 'Inf';
    if (value === -Infinity) return '-Inf';
    if (Number.isInteger(value)) return String(value);
    return String(Number(value.toPrecision(15)));
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return String(value);
}

// The message the reference runner compares: one "Error: " and one SDK prefix removed.
export function errorMessage(error) {
  let text = String(error && error.message !== undefined ? error.message : error);
  if (text.startsWith('Error: ')) text = text.slice('Error: '.length);
  const prefix = SDK_PREFIXES.find((p) => text.startsWith(p));
  return prefix ? text.slice(prefix.length) : text;
}

// Rows of every statement in order; the first error discards them all.
async function run(db, sql) {
  const rows = [];
  for (const text of splitStatements(sql)) {
    const statement = await db.prepare(text);
    statement.raw(true);
    statement.safeIntegers(true);
    for (const row of await statement.all()) rows.push(row.map(renderValue));
  }
  return rows;
}

class Session {
  constructor() {
    this.db = null;
  }

  async open(request) {
    if (this.db) throw new Error('open while a database is open');
    const options = { readonly: Boolean(request.readonly), experimental: EXPERIMENTAL };
    try {
      this.db = await connect(String(request.location), options);
      if (request.mvcc) await run(this.db, MVCC_PRAGMA);
    } catch (error) {
      await this.close();
      return { error: errorMessage(error) };
    }
    return {};
  }

  async execute(request, keepRows) {
    if (!this.db) throw new Error(`${request.type} before open`);
    try {
      const rows = await run(this.db, String(request.sql));
      return keepRows ? { rows } : {};
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  async close() {
    const db = this.db;
    this.db = null;
    if (db) await db.close();
    return {};
  }

  async answer(request) {
    switch (request.type) {
      case 'open':
        return this.open(request);
      case 'execute':
        return this.execute(request, true);
      case 'execute_setup':
        return this.execute(request, false);
      case 'close':
        return this.close();
      default:
        throw new Error(`unknown request type ${JSON.stringify(request.type)}`);
    }
  }
}

// Write one line, waiting when the pipe is full so huge results stay bounded.
function send(message) {
  const line = `${JSON.stringify(message)}\n`;
  if (process.stdout.write(line)) return Promise.resolve();
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function main() {
  const reopen = !process.argv.includes('--no-reopen');
  await send({
    type: 'hello',
    protocol: PROTOCOL,
    name: 'node-turso',
    profile: 'js',
    capabilities: ['trigger'],
    conditions: [],
    version: `@tursodatabase/database ${sdkVersion()}`,
    reopen,
  });
  const session = new Session();
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    await send({ id: request.id, ...(await session.answer(request)) });
  }
  await session.close();
}

main().catch((error) => {
  process.stderr.write(`bridge.js: ${error && error.stack ? error.stack : error}\n`);
  process.exit(2);
});
