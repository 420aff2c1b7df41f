/* Role: vg_driver for Windows. The driver's framed protocol counts bytes, so its stdout must not turn
** "\n" into "\r\n": this file compiles vg_driver.c unchanged under another name for main and puts
** stdout in binary mode before calling it. Build with -I Sources/compat-driver (zig cc, MinGW or MSVC). */
#include <fcntl.h>
#include <io.h>
#include <stdio.h>

#define main vg_driver_main
#include "vg_driver.c"
#undef main

int main(int argc, char **argv) {
    _setmode(_fileno(stdout), _O_BINARY);
    return vg_driver_main(argc, argv);
}
