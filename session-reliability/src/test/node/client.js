'use strict';
/*
 * A SessionKit client in another language, written from docs/FORMAT.md alone: it finds a session by its id, reads the
 * record, and changes it with the documented compare-and-set write protocol on Redis, PostgreSQL, memcached and
 * MongoDB.
 *
 *   node client.js '<job as JSON>'
 *
 * job: {backend: "redis"|"postgres"|"memcached"|"mongo", id, action: "read"|"update", absoluteTimeoutMs,
 *       redis: {host, port, prefix, graceMs, retentionMs, replaceScriptFile}, postgres: {host, port, database, user, table},
 *       memcached: {host, port, prefix, graceMs}, mongo: {uri, database, collection},
 *       increment: [names], set: {name: value}, times, maxAttempts, staleFirst}
 * Prints one JSON object on stdout: {key, read, writes: [{v, a, e}], conflicts, result}. Exits 1 with a message on
 * stderr on any failure.
 */
const crypto = require('crypto');
const fs = require('fs');

// ---- Keys (FORMAT.md "Keys") ----

/** The backend key of a session: base64url(SHA-256(the id's 32 ASCII characters)), no padding. */
function sessionKey(id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(id)) {
    throw new Error('not a SessionKit session id (32 base64url characters)');
  }
  return crypto.createHash('sha256').update(Buffer.from(id, 'ascii')).digest('base64url');
}

/** The name part of a Redis principal index key: base64url(SHA-256(UTF-8 bytes of the principal)), no padding. */
function principalHash(principal) {
  return crypto.createHash('sha256').update(Buffer.from(principal, 'utf8')).digest('base64url');
}

// ---- The record (FORMAT.md "The JSON envelope" and "Write protocol") ----

function checkRecord(r, where) {
  for (const f of ['v', 'c', 'a', 'e', 'mi']) {
    if (!Number.isSafeInteger(r[f])) {
      throw new Error(`${where}: field ${f} is not an integer: ${r[f]}`);
    }
  }
  if (r.v < 1 || r.mi < 1) {
    throw new Error(`${where}: v and mi must be >= 1`);
  }
  if (r.p !== null && typeof r.p !== 'string') {
    throw new Error(`${where}: p is neither a string nor null`);
  }
  if (r.attrs === null || typeof r.attrs !== 'object' || Array.isArray(r.attrs)) {
    throw new Error(`${where}: attrs is not an object`);
  }
  return r;
}

/** Parses an envelope (Redis, memcached); throws if it is not a format-1 envelope (this client fails loudly). */
function parseEnvelope(text) {
  const doc = JSON.parse(text);
  if (doc === null || typeof doc !== 'object' || doc.fmt !== 1) {
    throw new Error('not a format-1 SessionKit envelope');
  }
  return checkRecord({v: doc.v, c: doc.c, a: doc.a, e: doc.e, mi: doc.mi, p: doc.p === undefined ? null : doc.p,
    attrs: doc.attrs}, 'envelope');
}

/** The envelope text, fields in the documented order (the Redis scripts read v and e from its first 128 bytes). */
function envelope(r) {
  return JSON.stringify({fmt: 1, v: r.v, c: r.c, a: r.a, e: r.e, mi: r.mi, p: r.p, attrs: r.attrs});
}

/** A deep copy of plain objects and arrays; other values (numbers, strings, typed BSON numbers) are immutable. */
function clone(v) {
  if (Array.isArray(v)) {
    return v.map(clone);
  }
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  }
  return v;
}

/**
 * The record this writer stores over `base` after `change` ran on a copy of its attributes: version + 1, last access
 * now, expiry min(now + mi, c + absolute timeout). `c`, `mi` and `p` are kept.
 */
function nextRecord(base, change, now, absoluteTimeoutMs) {
  const attrs = clone(base.attrs);
  change(attrs);
  const a = Math.max(now, base.a);
  const e = Math.min(a + base.mi * 1000, base.c + absoluteTimeoutMs);
  if (e <= now) {
    throw new Error('the session would be expired by this write (absolute timeout reached)');
  }
  return {v: base.v + 1, c: base.c, a, e, mi: base.mi, p: base.p, attrs};
}

// ---- Redis ----

class RedisSessions {
  constructor(cfg) {
    const Redis = require('ioredis');
    this.prefix = cfg.prefix;
    this.graceMs = cfg.graceMs;
    this.retentionMs = cfg.retentionMs;
    this.redis = new Redis({host: cfg.host, port: cfg.port, connectTimeout: 5000, commandTimeout: 5000,
      maxRetriesPerRequest: 0, enableOfflineQueue: true, lazyConnect: false});
    // The store's own replace script, run by EVALSHA with a fall-back to EVAL (ioredis does that for defined commands).
    this.redis.defineCommand('sessionkitReplace', {lua: fs.readFileSync(cfg.replaceScriptFile, 'utf8')});
  }

  /** The key's bucket as a Cluster hash tag: its first byte (base64url-decoded) as two hex digits (FORMAT.md). */
  bucket(key) {
    return this.prefix + '{' + Buffer.from(key, 'base64url')[0].toString(16).padStart(2, '0') + '}';
  }

  async load(key, now) {
    const text = await this.redis.get(this.bucket(key) + 's:' + key);
    if (text === null) {
      return null;
    }
    const r = parseEnvelope(text);
    return r.e > now ? r : null;
  }

  /** One compare-and-set: 'OK', 'CONFLICT' or 'GONE'. */
  async replace(key, next, expectedVersion, now) {
    const keys = [this.bucket(key) + 's:' + key, this.bucket(key) + 'e'];
    if (next.p !== null) {
      keys.push(this.prefix + 'p:' + principalHash(next.p));
    }
    // A fresh writer token per write: the script recognises a re-sent copy of this very call by it.
    const token = crypto.randomBytes(12).toString('base64url');
    const ttl = Math.max(1, next.e + this.graceMs + this.retentionMs - now);
    const args = [envelope(next), now, ttl, key, next.e, now - this.graceMs, this.graceMs, token, expectedVersion,
      this.retentionMs];
    const reply = await this.redis.sessionkitReplace(keys.length, ...keys, ...args);
    switch (Number(reply)) {
      case 1: return 'OK';
      case -1: return 'CONFLICT';
      case 0: return 'GONE';
      default: throw new Error('unexpected reply of the replace script: ' + reply);
    }
  }

  async describe(key) {
    return {ttlMs: await this.redis.pttl(this.bucket(key) + 's:' + key)};
  }

  async close() {
    await this.redis.quit();
  }
}

// ---- memcached (text protocol; the Java store speaks binary, the items are the same) ----

class MemcachedSessions {
  constructor(cfg) {
    const net = require('net');
    this.prefix = cfg.prefix;
    this.graceMs = cfg.graceMs;
    this.casUnique = new Map();
    this.buffer = Buffer.alloc(0);
    this.pending = null;
    this.socket = net.createConnection({host: cfg.host, port: cfg.port});
    this.socket.setTimeout(5000, () => this.socket.destroy(new Error('memcached did not answer within 5 s')));
    this.socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    this.socket.on('error', (err) => {
      if (this.pending) {
        const p = this.pending;
        this.pending = null;
        p.reject(err);
      }
    });
  }

  drain() {
    if (!this.pending) {
      return;
    }
    let parsed;
    try {
      parsed = this.pending.parse(this.buffer);
    } catch (err) {
      const p = this.pending;
      this.pending = null;
      p.reject(err);
      return;
    }
    if (parsed) {
      this.buffer = this.buffer.subarray(parsed.used);
      const p = this.pending;
      this.pending = null;
      p.resolve(parsed.value);
    }
  }

  /** Sends one command and resolves with what `parse` makes of the reply. Commands are never pipelined. */
  request(bytes, parse) {
    return new Promise((resolve, reject) => {
      this.pending = {parse, resolve, reject};
      this.socket.write(bytes);
      this.drain();
    });
  }

  static line(buf, from) {
    const end = buf.indexOf('\r\n', from);
    return end < 0 ? null : {text: buf.toString('latin1', from, end), next: end + 2};
  }

  static simpleReply(buf) {
    const l = MemcachedSessions.line(buf, 0);
    return l && {value: l.text, used: l.next};
  }

  /** gets: null when absent, else {value: Buffer, cas: string}. */
  gets(itemKey) {
    return this.request(`gets ${itemKey}\r\n`, (buf) => {
      const head = MemcachedSessions.line(buf, 0);
      if (!head) {
        return null;
      }
      if (head.text === 'END') {
        return {value: null, used: head.next};
      }
      const m = /^VALUE (\S+) (\d+) (\d+) (\d+)$/.exec(head.text);
      if (!m) {
        throw new Error('unexpected reply to gets: ' + head.text);
      }
      const size = Number(m[3]);
      const end = head.next + size + 2;
      const tail = MemcachedSessions.line(buf, end);
      if (!tail) {
        return null;
      }
      if (tail.text !== 'END') {
        throw new Error('unexpected end of gets reply: ' + tail.text);
      }
      return {value: {value: buf.subarray(head.next, head.next + size), cas: m[4]}, used: tail.next};
    });
  }

  async load(key, now) {
    const item = await this.gets(this.prefix + key);
    if (item === null) {
      return null;
    }
    const r = parseEnvelope(item.value.toString('utf8'));
    if (r.e <= now) {
      return null;
    }
    this.casUnique.set(key + '@' + r.v, item.cas);
    return r;
  }

  /** exptime: seconds until e + grace, at least 1; beyond 30 days memcached wants the absolute Unix time instead. */
  exptime(e, now) {
    const until = e + this.graceMs;
    const seconds = Math.max(1, Math.ceil((until - now) / 1000));
    return seconds <= 2592000 ? seconds : Math.ceil(until / 1000);
  }

  async replace(key, next, expectedVersion, now) {
    // The CAS unique of the gets that returned the version this write is based on.
    const casUnique = this.casUnique.get(key + '@' + expectedVersion);
    if (casUnique === undefined) {
      throw new Error('replace without a gets of the expected version');
    }
    const value = Buffer.from(envelope(next), 'utf8');
    const itemKey = this.prefix + key;
    const head = `cas ${itemKey} 0 ${this.exptime(next.e, now)} ${value.length} ${casUnique}\r\n`;
    const reply = await this.request(Buffer.concat([Buffer.from(head, 'latin1'), value, Buffer.from('\r\n')]),
      MemcachedSessions.simpleReply);
    this.casUnique.delete(key + '@' + expectedVersion);
    if (reply === 'STORED') {
      return 'OK';
    }
    if (reply === 'NOT_FOUND') {
      return 'GONE';
    }
    if (reply !== 'EXISTS') {
      throw new Error('unexpected reply to cas: ' + reply);
    }
    // Changed since our gets: a live record means another writer won (CONFLICT), none that it is gone.
    return (await this.load(key, Date.now())) === null ? 'GONE' : 'CONFLICT';
  }

  async describe(key) {
    // Meta get with the t flag: the item's remaining lifetime in seconds.
    const reply = await this.request(`mg ${this.prefix + key} t\r\n`, MemcachedSessions.simpleReply);
    const m = /^HD.* t(-?\d+)/.exec(reply);
    return {ttlMs: m ? Number(m[1]) * 1000 : null};
  }

  async close() {
    this.socket.end('quit\r\n');
  }
}

// ---- MongoDB ----

class MongoSessions {
  constructor(cfg) {
    this.bson = require('mongodb');
    this.client = new this.bson.MongoClient(cfg.uri, {serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000,
      socketTimeoutMS: 5000, maxPoolSize: 1});
    this.sessions = this.client.db(cfg.database).collection(cfg.collection);
  }

  /** Field names in attrs: a leading $, '.', NUL and '%' are percent-escaped. */
  static unescape(name) {
    return name.replace(/%(24|2E|00|25)/g, (m, hex) => String.fromCharCode(parseInt(hex, 16)));
  }

  static escape(name) {
    return name.replace(/[%.\u0000]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
      .replace(/^\$/, '%24');
  }

  /**
   * BSON attrs (read with promoteValues off, so every number keeps its type) to plain values: Int32 and Int64 as
   * numbers, Double as a bson Double (so an integral double stays a double when written back), Decimal128 and the
   * {"%num": text} form of numbers beyond Decimal128 as they are.
   */
  fromBson(v) {
    const b = this.bson;
    if (v instanceof b.Int32 || v instanceof b.Long) {
      const n = Number(v.valueOf ? v.valueOf() : v);
      if (!Number.isSafeInteger(n)) {
        throw new Error('integer beyond 2^53 in attrs: this client would round it');
      }
      return n;
    }
    return MongoSessions.mapTree(v, b, MongoSessions.unescape, (x) => this.fromBson(x));
  }

  toBson(v) {
    const b = this.bson;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) {
        return v >= -2147483648 && v <= 2147483647 ? new b.Int32(v) : b.Long.fromNumber(v);
      }
      return new b.Double(v);
    }
    return MongoSessions.mapTree(v, b, MongoSessions.escape, (x) => this.toBson(x));
  }

  /**
   * The walk fromBson and toBson share: Double, Decimal128 and {"%num": text} kept as they are, arrays element by
   * element through `value`, sub-documents with each name through `name` and each value through `value`.
   */
  static mapTree(v, b, name, value) {
    if (v instanceof b.Double || v instanceof b.Decimal128) {
      return v;
    }
    if (Array.isArray(v)) {
      return v.map(value);
    }
    if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '%num') {
        return v;
      }
      const out = {};
      for (const k of keys) {
        out[name(k)] = value(v[k]);
      }
      return out;
    }
    return v;
  }

  static integer(v, what) {
    const b = require('mongodb');
    if (v instanceof b.Int32 || v instanceof b.Long) {
      return Number(v.valueOf ? v.valueOf() : v);
    }
    throw new Error(`${what} is not an Int32 or Int64`);
  }

  async load(key, now) {
    const doc = await this.sessions.findOne({_id: key, e: {$gt: new Date(now)}}, {promoteValues: false});
    if (doc === null) {
      return null;
    }
    if (!(doc.fmt instanceof this.bson.Int32) || doc.fmt.valueOf() !== 1) {
      throw new Error('not a format-1 SessionKit document');
    }
    for (const f of ['c', 'a', 'e']) {
      if (!(doc[f] instanceof Date)) {
        throw new Error(`field ${f} is not a date`);
      }
    }
    const attrs = this.fromBson(doc.attrs);
    const r = checkRecord({v: MongoSessions.integer(doc.v, 'v'), c: doc.c.getTime(), a: doc.a.getTime(),
      e: doc.e.getTime(), mi: MongoSessions.integer(doc.mi, 'mi'), p: doc.p === undefined ? null : doc.p, attrs}, 'document');
    return r;
  }

  async replace(key, next, expectedVersion, now) {
    const b = this.bson;
    const doc = {_id: key, fmt: new b.Int32(1), v: b.Long.fromNumber(next.v), p: next.p, c: new Date(next.c),
      a: new Date(next.a), e: new Date(next.e), mi: new b.Int32(next.mi), attrs: this.toBson(next.attrs)};
    const r = await this.sessions.replaceOne({_id: key, v: b.Long.fromNumber(expectedVersion), e: {$gt: new Date(now)}}, doc);
    if (r.matchedCount === 1) {
      return 'OK';
    }
    const current = await this.sessions.findOne({_id: key}, {projection: {e: 1}});
    return current !== null && current.e instanceof Date && current.e.getTime() > now ? 'CONFLICT' : 'GONE';
  }

  async describe() {
    return {};
  }

  async close() {
    await this.client.close();
  }
}

// ---- PostgreSQL ----

class PostgresSessions {
  constructor(cfg) {
    const {Pool} = require('pg');
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,47}$/.test(cfg.table)) {
      throw new Error('table must be a plain SQL identifier');
    }
    this.table = cfg.table;
    this.pool = new Pool({host: cfg.host, port: cfg.port, database: cfg.database, user: cfg.user, max: 1,
      connectionTimeoutMillis: 5000, statement_timeout: 5000, query_timeout: 6000});
  }

  async load(key, now) {
    // BIGINT columns arrive as strings. data as text, so that no number is rounded on the way; a JSON string in data
    // (attributes holding U+0000, which JSONB cannot store) holds the attributes' object text.
    const res = await this.pool.query(
      `SELECT version, created_at, last_accessed_at, max_idle_seconds, expires_at, principal,
              CASE jsonb_typeof(data) WHEN 'string' THEN data #>> '{}' ELSE data::text END AS attrs,
              jsonb_typeof(data) AS data_type
         FROM ${this.table} WHERE session_id = $1 AND expires_at > $2`, [key, now]);
    if (res.rowCount === 0) {
      return null;
    }
    const row = res.rows[0];
    if (row.data_type !== 'object' && row.data_type !== 'string') {
      throw new Error('data holds neither an object nor a string: ' + row.data_type);
    }
    const r = checkRecord({v: Number(row.version), c: Number(row.created_at), a: Number(row.last_accessed_at),
      e: Number(row.expires_at), mi: Number(row.max_idle_seconds), p: row.principal, attrs: JSON.parse(row.attrs)}, 'row');
    r.dataType = row.data_type;
    return r;
  }

  static data(attrs) {
    const text = JSON.stringify(attrs);
    // JSONB refuses \u0000: such attributes are stored as a JSON string holding the object text.
    return text.includes('\\u0000') ? JSON.stringify(text) : text;
  }

  async replace(key, next, expectedVersion, now) {
    const res = await this.pool.query(
      `UPDATE ${this.table} SET version = $1, last_accessed_at = $2, expires_at = $3, data = CAST($4 AS jsonb)
        WHERE session_id = $5 AND version = $6 AND expires_at > $7`,
      [next.v, next.a, next.e, PostgresSessions.data(next.attrs), key, expectedVersion, now]);
    if (res.rowCount === 1) {
      return 'OK';
    }
    const live = await this.pool.query(`SELECT 1 FROM ${this.table} WHERE session_id = $1 AND expires_at > $2`, [key, now]);
    return live.rowCount === 1 ? 'CONFLICT' : 'GONE';
  }

  async describe() {
    return {};
  }

  async close() {
    await this.pool.end();
  }
}

// ---- The read-modify-write loop (FORMAT.md "On CONFLICT and GONE") ----

/**
 * Loads, applies `change`, writes with compare-and-set; on CONFLICT reloads and applies again; on GONE stops. With
 * `staleFirst`, the first attempt waits (bounded) until another writer has changed the record it loaded, so that its
 * write is certain to meet a CONFLICT.
 */
async function update(store, key, change, absoluteTimeoutMs, maxAttempts, stats, staleFirst) {
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const now = Date.now();
    const base = await store.load(key, now);
    if (base === null) {
      return {result: 'GONE'};
    }
    if (staleFirst && attempt === 1) {
      await waitForAnotherWrite(store, key, base.v);
    }
    const next = nextRecord(base, change, now, absoluteTimeoutMs);
    const outcome = await store.replace(key, next, base.v, now);
    if (outcome === 'OK') {
      return {result: 'OK', written: {v: next.v, a: next.a, e: next.e}};
    }
    if (outcome === 'GONE') {
      return {result: 'GONE'};
    }
    stats.conflicts++;
  }
  throw new Error(`gave up after ${maxAttempts} conflicting attempts`);
}

async function waitForAnotherWrite(store, key, version) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const current = await store.load(key, Date.now());
    if (current === null || current.v !== version) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error('no other writer changed the session within 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function main() {
  const job = JSON.parse(process.argv[2]);
  const store = job.backend === 'redis' ? new RedisSessions(job.redis)
    : job.backend === 'postgres' ? new PostgresSessions(job.postgres)
      : job.backend === 'memcached' ? new MemcachedSessions(job.memcached)
        : job.backend === 'mongo' ? new MongoSessions(job.mongo)
          : null;
  if (store === null) {
    throw new Error('unknown backend ' + job.backend);
  }
  try {
    const key = sessionKey(job.id);
    const out = {key, conflicts: 0, writes: []};
    out.read = await store.load(key, Date.now());
    if (job.action === 'update') {
      const change = (attrs) => {
        for (const name of job.increment || []) {
          attrs[name] = (attrs[name] === undefined ? 0 : attrs[name]) + 1;
        }
        Object.assign(attrs, job.set || {});
      };
      const times = job.times || 1;
      for (let i = 0; i < times; i++) {
        const r = await update(store, key, change, job.absoluteTimeoutMs, job.maxAttempts || 1000, out,
          i === 0 && job.staleFirst === true);
        out.result = r.result;
        if (r.result !== 'OK') {
          break;
        }
        out.writes.push(r.written);
      }
      Object.assign(out, await store.describe(key));
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  process.stderr.write('interop client failed: ' + (err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
