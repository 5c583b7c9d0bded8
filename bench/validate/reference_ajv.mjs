// SPDX-License-Identifier: Apache-2.0
// bench/validate/reference_ajv.mjs: the reference side of bench/validate.
//
// usage: node reference_ajv.mjs RIDES.jsonl SCHEMA.json
// Ajv2020 with ajv-formats (strict, first error only) and `reduce` declared as an
// annotation keyword. The timed part reads the file, splits it into lines, and
// JSON.parses and validates each line, as a Node.js service would; compiling the schema
// is not timed. Prints one line: `ajv docs=N valid=V bytes=B seconds=S cpu_seconds=C`
// (C: user + system time of the process over the timed part, all threads).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '..', 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const [file, schemaFile] = process.argv.slice(2);
const ajv = new Ajv2020({ strict: true, allErrors: false });
addFormats(ajv);
ajv.addKeyword({ keyword: 'reduce', schemaType: 'object' });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
let valid = 0;
for (let i = 0; i < lines.length; i++) {
  if (validate(JSON.parse(lines[i]))) valid++;
}
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(`ajv docs=${lines.length} valid=${valid} bytes=${Buffer.byteLength(text)} ` +
            `seconds=${seconds.toFixed(3)} cpu_seconds=${cpuSeconds.toFixed(3)}`);
