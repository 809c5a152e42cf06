"""
Runs packets through libre's SRTP (the library baresip uses; Debian package libre0), for the
interop test in suites/unit/media-srtp.test.ts. Reads one JSON request on stdin:
  {"suite": "AES_CM_128_HMAC_SHA1_80", "key": "<hex key||salt>", "ops": [{"op": "srtp_encrypt", "packet": "<hex>"}, ...]}
and prints {"results": [{"err": 0, "packet": "<hex>"}, ...]}. Encryption and decryption use two
separate contexts, as the two ends of a call would. Exits 2 when libre cannot be loaded.
"""
import ctypes
import json
import sys

SUITES = {"AES_CM_128_HMAC_SHA1_32": 0, "AES_CM_128_HMAC_SHA1_80": 1}  # enum srtp_suite in re_srtp.h


class Mbuf(ctypes.Structure):
    _fields_ = [("buf", ctypes.POINTER(ctypes.c_uint8)), ("size", ctypes.c_size_t), ("pos", ctypes.c_size_t), ("end", ctypes.c_size_t)]


def main():
    try:
        re = ctypes.CDLL("libre.so.0")
    except OSError as e:
        print(f"libre.so.0 not loadable: {e}", file=sys.stderr)
        sys.exit(2)
    re.mbuf_alloc.restype = ctypes.POINTER(Mbuf)
    re.mbuf_alloc.argtypes = [ctypes.c_size_t]
    re.mbuf_write_mem.argtypes = [ctypes.POINTER(Mbuf), ctypes.c_char_p, ctypes.c_size_t]
    re.mem_deref.argtypes = [ctypes.c_void_p]
    re.mem_deref.restype = ctypes.c_void_p
    re.srtp_alloc.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    for name in ("srtp_encrypt", "srtp_decrypt", "srtcp_encrypt", "srtcp_decrypt"):
        getattr(re, name).argtypes = [ctypes.c_void_p, ctypes.POINTER(Mbuf)]

    req = json.load(sys.stdin)
    key = bytes.fromhex(req["key"])
    contexts = {}
    for side in ("tx", "rx"):
        ctx = ctypes.c_void_p()
        err = re.srtp_alloc(ctypes.byref(ctx), SUITES[req["suite"]], key, len(key), 0)
        if err != 0:
            print(f"srtp_alloc failed: {err}", file=sys.stderr)
            sys.exit(1)
        contexts[side] = ctx

    results = []
    for op in req["ops"]:
        packet = bytes.fromhex(op["packet"])
        mb = re.mbuf_alloc(len(packet) + 64)
        re.mbuf_write_mem(mb, packet, len(packet))
        mb.contents.pos = 0
        side = "tx" if op["op"].endswith("encrypt") else "rx"
        err = getattr(re, op["op"])(contexts[side], mb)
        m = mb.contents
        results.append({"err": err, "packet": bytes(m.buf[m.pos:m.end]).hex()})
        re.mem_deref(mb)
    print(json.dumps({"results": results}))


main()
