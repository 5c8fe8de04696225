'use strict';
// express-pouchdb on a free loopback port: the peer's server for bench/bench_e2e.py.
//
//   node server.js DIR        prints "ready http://127.0.0.1:PORT" once listening
//
// Databases are LevelDB folders under DIR (PouchDB's default adapter in Node: on
// disk, as GridWorker's server keeps SQLite or PostgreSQL on disk). Mode
// "minimumForPouchDB": the routes replication needs and response compression, no
// authentication (the GridWorker server checks a bearer token on every request).
const path = require('path');
const express = require('express');
const expressPouchDB = require('express-pouchdb');
const PouchDB = require('pouchdb');

const dir = path.resolve(process.argv[2] || '.');
const Pouch = PouchDB.defaults({ prefix: dir + path.sep });
const app = express();
app.use('/', expressPouchDB(Pouch, { mode: 'minimumForPouchDB' }));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`ready http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
