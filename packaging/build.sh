#!/usr/bin/env bash
# Build derivlab's installers for the system this runs on.
#
#   bash packaging/build.sh [cpu|gpu]
#
# Linux:   the PyInstaller folder, a portable .tar.gz and a .deb
# macOS:   the PyInstaller folder, derivlab.app and a .dmg (packaging/macos/build_dmg.sh)
# Windows: the PyInstaller folder and, when Inno Setup's iscc is on PATH, a setup .exe
#          (run this from Git Bash or MSYS2)
#
# Environment:
#   PYTHON          the Python that has derivlab and PyInstaller installed
#                   (default: .venv's, else python3)
#   DERIVLAB_DIST   where the results go (default: dist/)
#   DERIVLAB_WORK   PyInstaller's work folder (default: build/pyinstaller-<edition>)
#   DERIVLAB_MAINTAINER  the .deb's Maintainer field ("Name <address>")
#   DERIVLAB_FORMATS     Linux: which of "tar.gz deb" to make (default: both)
#   DERIVLAB_DEB_COMPRESSION  xz (default: smallest), zstd (fast; dpkg >= 1.21.18) or gzip
#
# The GPU edition needs CuPy and NVRTC installed (pip install -e ".[cuda12,build]").
set -euo pipefail

edition="${1:-cpu}"
case "$edition" in
  cpu | gpu) ;;
  *)
    echo "usage: bash packaging/build.sh [cpu|gpu]" >&2
    exit 2
    ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
if [ -n "${PYTHON:-}" ]; then
  python="$PYTHON"
elif [ -x "$root/.venv/bin/python" ]; then
  python="$root/.venv/bin/python"
elif [ -x "$root/.venv/Scripts/python.exe" ]; then
  python="$root/.venv/Scripts/python.exe"
else
  python="python3"
fi
dist="${DERIVLAB_DIST:-$root/dist}"
work="${DERIVLAB_WORK:-$root/build/pyinstaller-$edition}"

version="$("$python" -c 'import derivlab; print(derivlab.__version__)')"
"$python" -c 'import PyInstaller' 2>/dev/null || {
  echo "build.sh: PyInstaller is not installed; run: $python -m pip install -e \".[build]\"" >&2
  exit 1
}
if [ "$edition" = "gpu" ] && [ "$(uname -s)" = "Darwin" ]; then
  echo "build.sh: there is no GPU edition for macOS (CUDA does not run there)" >&2
  exit 2
fi
if [ "$edition" = "gpu" ]; then
  "$python" -c 'import cupy, cupy_backends' 2>/dev/null || {
    echo "build.sh: the GPU edition needs CuPy; run: $python -m pip install -e \".[cuda12,build]\"" >&2
    exit 1
  }
fi

say() { echo "build.sh: $*" >&2; }

say "derivlab $version, $edition edition, with $("$python" -m PyInstaller --version 2>/dev/null | tail -n 1)"
mkdir -p "$dist"
"$python" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$dist/$edition" --workpath "$work" \
  "$here/derivlab.spec" -- --edition "$edition"
folder="$dist/$edition/derivlab"
say "folder: $folder ($(du -sh "$folder" | cut -f1))"

# --------------------------------------------------------------------------- Linux

# The oldest glibc the bundled binaries accept: the .deb depends on it, the README states it.
minimum_glibc() {
  find "$1" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
    xargs -0 objdump -T 2>/dev/null |
    grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -u -V | tail -n 1
}

build_tarball() {
  local name="derivlab-$version-linux-$(uname -m)-$edition"
  local staging="$dist/$edition/tar"
  rm -rf "$staging"
  mkdir -p "$staging"
  cp -a "$folder" "$staging/$name"
  cp "$here/linux/derivlab.desktop" "$here/linux/derivlab-lesson.desktop" "$here/linux/derivlab-mime.xml" "$staging/$name/"
  cp "$root/assets/icons/derivlab.png" "$staging/$name/derivlab.png"
  tar -C "$staging" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"
  rm -rf "$staging"
  say "portable: $dist/$name.tar.gz ($(du -h "$dist/$name.tar.gz" | cut -f1))"
}

build_deb() {
  local package="derivlab"
  local other="derivlab-gpu"
  if [ "$edition" = "gpu" ]; then
    package="derivlab-gpu"
    other="derivlab"
  fi
  local arch
  arch="$(dpkg --print-architecture)"
  local glibc
  glibc="$(minimum_glibc "$folder")"
  local deb_root="$dist/$edition/deb-root"
  rm -rf "$deb_root"
  mkdir -p "$deb_root/DEBIAN" "$deb_root/opt" "$deb_root/usr/bin" \
    "$deb_root/usr/share/applications" "$deb_root/usr/share/mime/packages" \
    "$deb_root/usr/share/doc/$package"
  cp -a "$folder" "$deb_root/opt/derivlab"
  ln -s /opt/derivlab/derivlab "$deb_root/usr/bin/derivlab"
  # The menu entry, and a hidden entry that opens lesson files (Exec=derivlab --lesson %f):
  # one entry could not do both, as "--lesson" without a file is an error.
  install -m 644 "$here/linux/derivlab.desktop" "$here/linux/derivlab-lesson.desktop" \
    "$deb_root/usr/share/applications/"
  install -m 644 "$here/linux/derivlab-mime.xml" "$deb_root/usr/share/mime/packages/derivlab.xml"
  local size
  for size in 16 32 48 64 128 256; do
    install -D -m 644 "$root/assets/icons/derivlab-$size.png" \
      "$deb_root/usr/share/icons/hicolor/${size}x${size}/apps/derivlab.png"
  done
  install -D -m 644 "$root/assets/icons/derivlab.png" "$deb_root/usr/share/icons/hicolor/512x512/apps/derivlab.png"
  {
    echo "derivlab: make derivatives visible"
    echo
    cat "$root/LICENSE"
    echo
    echo "derivlab bundles third-party software; their licences and notices are in"
    echo "/opt/derivlab/THIRD_PARTY_NOTICES.txt"
  } >"$deb_root/usr/share/doc/$package/copyright"
  chmod 644 "$deb_root/usr/share/doc/$package/copyright"
  install -m 755 "$here/linux/postinst" "$here/linux/postrm" "$deb_root/DEBIAN/"
  local installed_kb
  installed_kb="$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)"
  local edition_line="CPU edition: computes with NumPy."
  if [ "$edition" = "gpu" ]; then
    edition_line="GPU edition: computes with CuPy on an NVIDIA GPU (NVIDIA driver 525.60.13 or newer), with NumPy otherwise."
  fi
  cat >"$deb_root/DEBIAN/control" <<EOF
Package: $package
Version: $version
Section: education
Priority: optional
Architecture: $arch
Maintainer: ${DERIVLAB_MAINTAINER:-the derivlab authors <derivlab@invalid>}
Installed-Size: $installed_kb
Depends: libc6 (>= $glibc), libstdc++6 (>= 12), libgcc-s1, libgl1, libegl1
Recommends: libgl1-mesa-dri, libglx-mesa0
Conflicts: $other
Replaces: $other
Description: make derivatives visible
 Interactive scenes for the calculus under machine learning: the derivative as
 a limit, differentiability and its failures, numerical differentiation,
 gradients. Exports frames and videos for lectures.
 .
 $edition_line
EOF
  local deb="$dist/${package}_${version}_${arch}.deb"
  dpkg-deb --build --root-owner-group "-Z${DERIVLAB_DEB_COMPRESSION:-xz}" "$deb_root" "$deb" >/dev/null
  rm -rf "$deb_root"
  say "deb: $deb ($(du -h "$deb" | cut -f1); needs glibc >= $glibc)"
}

case "$(uname -s)" in
  Linux)
    formats=" ${DERIVLAB_FORMATS:-tar.gz deb} "
    if [[ "$formats" == *" tar.gz "* ]]; then
      build_tarball
    fi
    if [[ "$formats" == *" deb "* ]]; then
      if command -v dpkg-deb >/dev/null 2>&1; then
        build_deb
      else
        say "dpkg-deb not found: no .deb"
      fi
    fi
    ;;
  Darwin)
    DERIVLAB_VERSION="$version" bash "$here/macos/build_dmg.sh" "$dist/$edition" "$edition"
    ;;
  MINGW* | MSYS* | CYGWIN*)
    if command -v iscc >/dev/null 2>&1; then
      iscc "/DEdition=$edition" "/DAppVersion=$version" "/DBundleDir=$(cygpath -w "$folder")" \
        "/O$(cygpath -w "$dist")" "$(cygpath -w "$here/windows/derivlab.iss")"
    else
      say "Inno Setup's iscc is not on PATH: no setup .exe (the folder is ready)"
    fi
    ;;
esac
