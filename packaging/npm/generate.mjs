// Role: write the npm packages of one release, every package.json stamped from the top-level VERSION
// and metadata.json: vec-graph (the loader) into OUTDIR/vec-graph, and @vec-graph/<target> into
// OUTDIR/@vec-graph/<target> for each target whose binary is BINDIR/<target>/<file>.
// usage: node generate.mjs OUTDIR BINDIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const targets = createRequire(import.meta.url)('./vec-graph/targets.cjs');
const [outdir, bindir] = process.argv.slice(2).map((arg) => path.resolve(arg));
if (!outdir || !bindir) {
  console.error('usage: node generate.mjs OUTDIR BINDIR');
  process.exit(2);
}
const version = fs.readFileSync(path.join(here, '../../VERSION'), 'utf8').trim();
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
  throw new Error(`VERSION holds '${version}', not a semantic version`);
}
const metadata = JSON.parse(fs.readFileSync(path.join(here, 'metadata.json'), 'utf8'));
const { description, keywords, ...common } = metadata;

// files maps each file name in the package to the path it is copied from, or to { text }.
function writePackage(dir, manifest, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, from] of Object.entries(files)) {
    if (typeof from === 'string') fs.copyFileSync(from, path.join(dir, name));
    else fs.writeFileSync(path.join(dir, name), from.text);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${manifest.name}@${version} -> ${path.relative(process.cwd(), dir) || '.'}`);
}

const loaderFiles = ['index.cjs', 'index.mjs', 'index.d.ts', 'libc.cjs', 'targets.cjs'];
const src = (name) => path.join(here, 'vec-graph', name);
writePackage(path.join(outdir, 'vec-graph'), {
  name: 'vec-graph',
  version,
  description,
  keywords,
  ...common,
  type: 'commonjs',
  main: './index.cjs',
  types: './index.d.ts',
  exports: {
    '.': {
      import: { types: './index.d.mts', default: './index.mjs' },
      require: { types: './index.d.ts', default: './index.cjs' },
    },
    './package.json': './package.json',
  },
  files: [...loaderFiles, 'index.d.mts'],
  optionalDependencies: Object.fromEntries(Object.keys(targets).map((key) => [`@vec-graph/${key}`, version])),
}, {
  ...Object.fromEntries(loaderFiles.map((name) => [name, src(name)])),
  'index.d.mts': src('index.d.ts'),
  'README.md': src('README.md'),
});

for (const [key, target] of Object.entries(targets)) {
  const binary = path.join(bindir, key, target.file);
  if (!fs.existsSync(binary)) continue;
  const name = `@vec-graph/${key}`;
  const readme = `# ${name}\n\nThe vec_graph SQLite extension for ${target.label}. ` +
    'Install `vec-graph` instead: it depends on this package and loads the binary.\n';
  writePackage(path.join(outdir, '@vec-graph', key), {
    name,
    version,
    description: `The vec_graph SQLite extension binary for ${target.label}, installed by vec-graph`,
    ...common,
    os: [target.os],
    cpu: [target.cpu],
    ...(target.libc && { libc: [target.libc] }),
    files: [target.file],
    preferUnplugged: true,
  }, { [target.file]: binary, 'README.md': { text: readme } });
}
