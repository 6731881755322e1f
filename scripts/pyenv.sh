# Source me: sets PY to a Python with the pinned peers (numpy, scipy, scikit-image, pydicom,
# SimpleITK, cc3d, edt, ...), creating the venv on first use. Never committed.
#   LUNGPREP_VENV=/path/to/venv to reuse one.
_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_venv=${LUNGPREP_VENV:-$_root/.venv}
if ! "$_venv/bin/python" -c "import scipy, skimage, cc3d, edt, pydicom, SimpleITK, nibabel, nrrd" 2>/dev/null; then
  echo "creating Python venv at $_venv" >&2
  python3 -m venv "$_venv" && "$_venv/bin/pip" install -q -r "$_root/scripts/requirements.txt" >&2 || return 1
fi
PY=$_venv/bin/python
export PY
