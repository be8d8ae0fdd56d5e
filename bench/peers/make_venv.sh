#!/bin/sh
# make_venv: the model peers' Python environment, VENV (build/venv): PyTorch
# 2.x (CPU use) and DeepSpeed from PyPI, and DeepSpeed's CPU Adam kernel built
# once into VENV/torch_extensions. Idempotent: a VENV that already imports
# both and has the kernel is left as it is.
# usage: make_venv.sh VENV
#
# PyPI's torch wheel for x86-64 Linux is the CUDA build; its dependencies
# pull ~3 GB of nvidia-* wheels. This machine kind has the CUDA toolkit (CUDA
# 13: cudart, cuBLAS, cuDNN, ...), so the lean path installs torch without
# dependencies plus only the four CUDA libraries the toolkit lacks (cuSPARSELt,
# NVSHMEM, NCCL, cuFile: ~0.5 GB), about 1.1 GB in all; if torch does not
# import that way, the full dependency set is installed instead. Versions
# are pinned (the report prints them); pip keeps no cache outside VENV.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 VENV" >&2; exit 2; }
venv=$1
TORCH=torch==2.15.0
# torch 2.15.0's pins (its METADATA) of the libraries the CUDA 13.0 toolkit lacks
CUDA_EXTRA="nvidia-cusparselt-cu13==0.8.1 nvidia-nvshmem-cu13==3.7.2 nvidia-nccl-cu13==2.30.7 nvidia-cufile==1.17.1.22"
TORCH_PURE="filelock typing-extensions>=4.13.0 setuptools>=77.0.3 sympy>=1.13.3 networkx>=2.5.1 jinja2 fsspec>=0.8.5 numpy"
DEEPSPEED=deepspeed==0.19.8
DS_DEPS="einops hjson msgpack ninja packaging psutil py-cpuinfo pydantic>=2.0.0 tqdm"
export DS_ACCELERATOR=cpu DS_BUILD_OPS=0 TORCH_EXTENSIONS_DIR="$venv/torch_extensions"
export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
py=$venv/bin/python
say() { echo "make_venv: $*"; }
ready() {
  "$py" -c 'import torch, deepspeed; from deepspeed.ops.op_builder import CPUAdamBuilder as B; import sys; sys.exit(0 if B().is_compatible() else 1)' \
    >/dev/null 2>&1 && ls "$TORCH_EXTENSIONS_DIR"/cpu_adam/cpu_adam.so >/dev/null 2>&1
}
if [ -x "$py" ] && ready; then
  say "$venv is ready ($("$py" -c 'import torch, deepspeed; print("torch", torch.__version__, "deepspeed", deepspeed.__version__)' 2>/dev/null))"
  exit 0
fi
start=$(date +%s)
[ -x "$py" ] || /usr/bin/python3 -m venv "$venv"
pip() { "$py" -m pip install --quiet "$@"; }
if ! "$py" -c 'import torch' 2>/dev/null; then
  say "PyTorch ($TORCH) without its CUDA wheels, the four the toolkit lacks, its pure-Python deps"
  # shellcheck disable=SC2086 # lists of requirements
  pip --no-deps "$TORCH" $CUDA_EXTRA
  # shellcheck disable=SC2086
  pip $TORCH_PURE
  if ! "$py" -c 'import torch' 2>/dev/null; then
    say "torch does not import on the toolkit's libraries: installing its full dependency set"
    pip "$TORCH" numpy
  fi
fi
if ! "$py" -c 'import deepspeed' 2>/dev/null; then
  say "DeepSpeed ($DEEPSPEED, no ops prebuilt) and its dependencies"
  # shellcheck disable=SC2086
  pip --no-deps "$DEEPSPEED"
  # shellcheck disable=SC2086
  pip $DS_DEPS
fi
say "building DeepSpeed's CPU Adam kernel into $TORCH_EXTENSIONS_DIR (a few minutes on 2 cores)"
"$py" -c 'from deepspeed.ops.op_builder import CPUAdamBuilder; CPUAdamBuilder().load()' \
  >"$venv/cpu_adam_build.log" 2>&1 || { say "the kernel did not build (see $venv/cpu_adam_build.log); DeepSpeed's rows will be missing"; }
say "done in $(($(date +%s) - start)) s: $(du -sh "$venv" | cut -f1) in $venv"
