@echo off
rem Role: build vg_driver.exe with MSVC (from a "x64 Native Tools" prompt or after ilammy/msvc-dev-cmd):
rem win_driver.c (vg_driver.c with a binary-mode stdout) linked with the SQLite amalgamation in
rem AMALGAMATION, with the flags compat-matrix uses for its plain SQLite builds.
rem usage: packaging\release\build-driver-msvc.bat AMALGAMATION OUTDIR
setlocal
if "%~2"=="" (
  echo usage: packaging\release\build-driver-msvc.bat AMALGAMATION OUTDIR
  exit /b 2
)
cd /d "%~dp0..\.."
if not exist "%~2" mkdir "%~2"
cl /nologo /O1 /DSQLITE_ENABLE_JSON1 /DSQLITE_THREADSAFE=1 /I "%~1" /I Sources\compat-driver ^
  packaging\release\win_driver.c "%~1\sqlite3.c" /Fo"%~2\\" /Fe"%~2\vg_driver.exe"
exit /b %ERRORLEVEL%
