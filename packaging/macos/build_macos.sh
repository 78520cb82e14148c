#!/usr/bin/env bash
# Builds belcoach.app on macOS (PyInstaller one-dir app bundle), optionally signs
# and notarises it, and zips it for distribution.
#   bash packaging/macos/build_macos.sh
# Needs Python 3.11 and the Xcode command-line tools. Output:
#   build/dist/belcoach.app, build/out/belcoach-VERSION-macos-ARCH.zip
# Signing and notarising happen only when these are set (CI secrets):
#   MACOS_SIGN_IDENTITY   "Developer ID Application: ORG (TEAMID)"
#   NOTARY_APPLE_ID, NOTARY_TEAM_ID, NOTARY_PASSWORD (an app-specific password)
# NOT RUN HERE (written for the GitHub Actions macos runner; see docs/it.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
export BELCOACH_CACHE_DIR=$PWD/build/cache
PY=build/pyi-venv/bin/python
[[ -x $PY ]] || python3.11 -m venv build/pyi-venv
"$PY" -m pip install -q --upgrade "pip>=24"
"$PY" -m pip install -q ".[models]" -r packaging/requirements.txt
"$PY" -m pip install -q --no-deps --force-reinstall .
VERSION=$("$PY" -c 'from importlib.metadata import version; print(version("belcoach"))')

build/pyi-venv/bin/belcoach models verify base
build/pyi-venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/pyi-work packaging/app.spec
APP=build/dist/belcoach.app
"$APP/Contents/MacOS/belcoach" --version

if [[ -n "${MACOS_SIGN_IDENTITY:-}" ]]; then
  codesign --deep --force --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
fi
mkdir -p build/out
ZIP=build/out/belcoach-$VERSION-macos-$(uname -m).zip
ditto -ck --keepParent "$APP" "$ZIP"
if [[ -n "${MACOS_SIGN_IDENTITY:-}" && -n "${NOTARY_APPLE_ID:-}" ]]; then
  xcrun notarytool submit "$ZIP" --apple-id "$NOTARY_APPLE_ID" --team-id "$NOTARY_TEAM_ID" \
    --password "$NOTARY_PASSWORD" --wait
  xcrun stapler staple "$APP"
  rm "$ZIP" && ditto -ck --keepParent "$APP" "$ZIP"   # zip again with the ticket stapled
else
  echo "build_macos.sh: not signed/notarised (set MACOS_SIGN_IDENTITY and NOTARY_*)" >&2
fi
ls -l "$ZIP"
