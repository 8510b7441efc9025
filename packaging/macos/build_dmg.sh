#!/usr/bin/env bash
# Pack derivlab.app (made by PyInstaller from packaging/derivlab.spec) into a .dmg. macOS only.
#
#   bash packaging/macos/build_dmg.sh DIST_DIR [cpu]
#
# DIST_DIR is PyInstaller's --distpath (packaging/build.sh passes dist/cpu); the .dmg
# is written next to it. Only the CPU edition exists on macOS (CUDA does not run there).
#
# Environment:
#   DERIVLAB_VERSION            version for the file name (default: read from derivlab)
#   DERIVLAB_CODESIGN_IDENTITY  a "Developer ID Application: ..." identity to sign the app
#                               with (hardened runtime); unsigned when empty. Notarize the
#                               .dmg afterwards with: xcrun notarytool submit --wait ...
set -euo pipefail

if [ "$(uname -s)" != "Darwin" ]; then
  echo "build_dmg.sh: this runs on macOS only (it needs hdiutil)" >&2
  exit 2
fi

dist="${1:?usage: bash packaging/macos/build_dmg.sh DIST_DIR [cpu]}"
edition="${2:-cpu}"
if [ "$edition" != "cpu" ]; then
  echo "build_dmg.sh: only the CPU edition is made for macOS (no CUDA on macOS)" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$(dirname "$here")")"
version="${DERIVLAB_VERSION:-$(python3 -c 'import derivlab; print(derivlab.__version__)')}"
app="$dist/derivlab.app"
if [ ! -d "$app" ]; then
  echo "build_dmg.sh: $app not found; run: bash packaging/build.sh cpu" >&2
  exit 1
fi

if [ -n "${DERIVLAB_CODESIGN_IDENTITY:-}" ]; then
  codesign --deep --force --options runtime --timestamp --sign "$DERIVLAB_CODESIGN_IDENTITY" "$app"
  codesign --verify --deep --strict "$app"
fi

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
cp "$root/LICENSE" "$staging/LICENSE.txt"
if [ -f "$dist/derivlab/THIRD_PARTY_NOTICES.txt" ]; then
  cp "$dist/derivlab/THIRD_PARTY_NOTICES.txt" "$staging/"
fi

dmg="$(dirname "$dist")/derivlab-$version-macos-$(uname -m)-$edition.dmg"
hdiutil create -volname "derivlab $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg" >/dev/null
echo "build_dmg.sh: dmg: $dmg ($(du -h "$dmg" | cut -f1))" >&2
