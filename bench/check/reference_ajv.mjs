// SPDX-License-Identifier: Apache-2.0
// bench/check/reference_ajv.mjs: the schema half of `flowctl check`, done by Ajv.
//
// usage: node reference_ajv.mjs DIR   (DIR from gen_catalog.py; uses DIR/catalog.json)
// Times: JSON.parse of the whole catalog, compiling every collection schema with Ajv2020
// (+ ajv-formats, `reduce` as an annotation keyword), and validating every test ingest
// document against its collection's schema. Prints one report line.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const here = path.dirname(new URL(import.meta.url).pathname);
const require = createRequire(path.join(here, '..', 'package.json'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

const dir = process.argv[2];
const t0 = performance.now();
const text = fs.readFileSync(path.join(dir, 'catalog.json'), 'utf8');
const cat = JSON.parse(text);
const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addKeyword({ keyword: 'reduce', schemaType: 'object' });
const validators = new Map();
for (const [name, c] of Object.entries(cat.collections)) validators.set(name, ajv.compile(c.schema));
let docs = 0;
for (const steps of Object.values(cat.tests)) {
  for (const step of steps) {
    if (!step.ingest) continue;
    const v = validators.get(step.ingest.collection);
    for (const d of step.ingest.documents) {
      if (!v(d)) throw new Error(`invalid: ${JSON.stringify(v.errors)}`);
      docs++;
    }
  }
}
const dt = (performance.now() - t0) / 1000;
console.log(`ajv_compile_validate collections=${validators.size} docs=${docs} seconds=${dt.toFixed(3)}`);
