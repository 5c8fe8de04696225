'use strict';
// The peer's laptop for bench/bench_e2e.py: PouchDB 9 (LevelDB on disk) replicating
// with express-pouchdb. Prints one line of JSON with the timings.
//
//   node client.js load LOCAL DOCS.jsonl     write the documents into LOCAL (not timed
//                                            by the benchmark: the laptop's import)
//   node client.js push LOCAL URL [BATCH]    replicate LOCAL -> URL (one-way, to the end)
//   node client.js pull LOCAL URL [BATCH]    replicate URL -> LOCAL (a fresh folder)
//
// BATCH is PouchDB's batch_size (default 100, as a user of PouchDB gets it).
const fs = require('fs');
const readline = require('readline');
const PouchDB = require('pouchdb');

const bootSeconds = process.uptime(); // node's own start, before this script ran

async function load(local, file) {
  const db = new PouchDB(local);
  const lines = readline.createInterface({ input: fs.createReadStream(file) });
  let batch = [];
  let written = 0;
  const t0 = process.hrtime.bigint();
  for await (const line of lines) {
    if (!line) continue;
    batch.push(JSON.parse(line));
    if (batch.length === 1000) {
      written += (await db.bulkDocs(batch)).length;
      batch = [];
    }
  }
  if (batch.length) written += (await db.bulkDocs(batch)).length;
  const info = await db.info();
  await db.close();
  return { docs: written, doc_count: info.doc_count, seconds: seconds(t0) };
}

async function replicate(direction, local, url, batchSize) {
  const db = new PouchDB(local);
  const remote = new PouchDB(url);
  const opts = batchSize ? { batch_size: batchSize } : {};
  const t0 = process.hrtime.bigint();
  const result = direction === 'push'
    ? await db.replicate.to(remote, opts)
    : await db.replicate.from(remote, opts);
  const replicated = seconds(t0);
  const info = await db.info();
  await db.close();
  await remote.close();
  return {
    ok: result.ok,
    docs_read: result.docs_read,
    docs_written: result.docs_written,
    doc_write_failures: result.doc_write_failures,
    local_doc_count: info.doc_count,
    batch_size: batchSize || 100,
    replicate_seconds: replicated,
    seconds: seconds(t0),
  };
}

function seconds(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main() {
  const [op, local, arg, batch] = process.argv.slice(2);
  let out;
  if (op === 'load') out = await load(local, arg);
  else if (op === 'push' || op === 'pull') {
    out = await replicate(op, local, arg, batch ? Number(batch) : 0);
  } else throw new Error(`unknown operation ${op}: load | push | pull`);
  out.op = op;
  out.node = process.version;
  out.boot_seconds = bootSeconds;
  out.process_seconds = process.uptime();
  console.log(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
