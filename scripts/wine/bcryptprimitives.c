/*
 * A stand-in for Windows' bcryptprimitives.dll, for running okviz-check's
 * Windows build under Wine 8, which does not ship that DLL.
 *
 * Go 1.24 and later fill their random bytes with ProcessPrng, exported by
 * bcryptprimitives.dll on Windows 10 and later; a Go program cannot start
 * without it. Wine 8 does have RtlGenRandom (exported by advapi32 as
 * SystemFunction036), which reads the host's random source, so this DLL
 * forwards to it. Built by scripts/wine/setup.sh with mingw-w64; only ever
 * loaded under Wine (WINEDLLOVERRIDES=bcryptprimitives=n).
 *
 * ProcessPrng: https://learn.microsoft.com/en-us/windows/win32/seccng/processprng
 * RtlGenRandom: https://learn.microsoft.com/en-us/windows/win32/api/ntsecapi/nf-ntsecapi-rtlgenrandom
 */
#include <windows.h>

/* advapi32's export; ntsecapi.h calls it RtlGenRandom. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills data with len random bytes. Windows documents it as
 * always returning TRUE; here a failure of the source is passed on (Go
 * then reports it) rather than hidden. RtlGenRandom takes a ULONG length,
 * so larger requests go in pieces. */
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}

/* DllMain is the entry point: the DLL is linked without the C runtime,
 * which it does not need. */
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
