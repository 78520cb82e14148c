# Builds the Windows installer: PyInstaller one-dir bundle, then Inno Setup 6.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_windows.ps1
# Needs Python 3.11 (py launcher) and Inno Setup 6 (choco install innosetup).
# Output: build\dist\belcoach\ and build\out\belcoach-VERSION-setup.exe.
# NOT RUN HERE (written for the GitHub Actions windows runner; see docs\it.md).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$env:PIP_DISABLE_PIP_VERSION_CHECK = "1"
$env:BELCOACH_CACHE_DIR = Join-Path $PWD "build\cache"

function Run([string]$exe, [string[]]$argv) {
  & $exe @argv
  if ($LASTEXITCODE -ne 0) { throw "$exe $argv failed with exit code $LASTEXITCODE" }
}

if (-not (Test-Path build\pyi-venv\Scripts\python.exe)) { Run py @("-3.11", "-m", "venv", "build\pyi-venv") }
$py = "build\pyi-venv\Scripts\python.exe"
Run $py @("-m", "pip", "install", "-q", "--upgrade", "pip>=24")
Run $py @("-m", "pip", "install", "-q", ".[models]", "-r", "packaging\requirements.txt")
Run $py @("-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", ".")
$version = & $py -c "from importlib.metadata import version; print(version('belcoach'))"

Run "build\pyi-venv\Scripts\belcoach.exe" @("models", "verify", "base")
Run "build\pyi-venv\Scripts\pyinstaller.exe" @("--noconfirm", "--clean", "--log-level", "WARN",
  "--distpath", "build\dist", "--workpath", "build\pyi-work", "packaging\app.spec")
Run "build\dist\belcoach\belcoach.exe" @("--version")

$env:BELCOACH_VERSION = $version
$iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"
Run $iscc @("/Q", "packaging\windows\belcoach.iss")
Get-Item "build\out\belcoach-$version-setup.exe" | Format-List Name, Length
