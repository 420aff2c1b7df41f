@echo off
rem Builds build\vec_graph.dll with MSVC (run from a "x64 Native Tools Command Prompt").
rem Usage: scripts\build-msvc.bat C:\path\to\sqlite-headers   (the folder holding sqlite3.h and sqlite3ext.h)
rem The version comes from the VERSION file, as in the Makefile.
setlocal
if "%~1"=="" (
  echo usage: scripts\build-msvc.bat SQLITE_INCLUDE_DIR
  exit /b 2
)
cd /d "%~dp0.."
set /p VERSION=<VERSION
if not exist build mkdir build
cl /nologo /std:c11 /O2 /W4 /LD /I Sources\vec_graph\include /I "%~1" ^
  /DVEC_GRAPH_VERSION=\"%VERSION%\" Sources\vec_graph\*.c /Fobuild\ /Fe:build\vec_graph.dll
exit /b %ERRORLEVEL%
