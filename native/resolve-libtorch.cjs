// Finds libtorch for the build: $LIBTORCH (an official CPU or CUDA libtorch directory) when set,
// else Debian's libtorch-dev. Prints what binding.gyp asks for: `include`, `libdirs`, `ldflags`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function resolveLibtorch() {
  const root = process.env.LIBTORCH;
  if (root) {
    const header = path.join(root, 'include', 'ATen', 'ATen.h');
    if (!fs.existsSync(header)) {
      throw new Error(`LIBTORCH=${root} has no include/ATen/ATen.h. Point LIBTORCH at an unpacked libtorch directory, or unset it to use Debian's libtorch-dev.`);
    }
    const lib = path.join(root, 'lib');
    return {
      include: [path.join(root, 'include'), path.join(root, 'include', 'torch', 'csrc', 'api', 'include')],
      ldflags: [`-L${lib}`, `-Wl,-rpath,${lib}`],
    };
  }
  const debianHeader = '/usr/include/ATen/ATen.h';
  if (!fs.existsSync(debianHeader)) {
    throw new Error("libtorch not found. Possible solutions:\n- run `bash scripts/setup.sh` (installs Debian's libtorch-dev)\n- apt-get install libtorch-dev libopenblas0-pthread\n- set LIBTORCH to an unpacked libtorch directory");
  }
  return { include: ['/usr/include', '/usr/include/torch/csrc/api/include'], ldflags: [] };
}

const what = process.argv[2];
try {
  const found = resolveLibtorch();
  if (what === 'include') console.log(found.include.join(' '));
  else if (what === 'ldflags') console.log(found.ldflags.join(' '));
  else throw new Error(`usage: resolve-libtorch.cjs include|ldflags (got ${what})`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
