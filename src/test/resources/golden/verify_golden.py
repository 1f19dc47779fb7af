#!/usr/bin/env python3
"""Independent implementation of s3seal format v1 (docs/format.md), written from the spec only.

Re-encrypts every golden vector from its inputs and decrypts it back; exits non-zero on any
difference. Needs the `cryptography` package. Usage: python3 verify_golden.py [DIR]
"""
import glob
import os
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

H = 91


def hkdf(ikm, salt, info, n=32):
    return HKDF(algorithm=hashes.SHA256(), length=n, salt=salt, info=info).derive(ikm)


def encrypt(key, salt, prefix, seg, part, pt):
    fixed = b"S3SL" + bytes([1, 1 if part else 0]) + struct.pack(">IH", seg, part)
    commitment = hkdf(key, salt, b"s3seal/1/commitment\x00" + fixed)
    content_key = hkdf(key, salt, b"s3seal/1/content-key\x00" + fixed)
    header = fixed + struct.pack(">Q", len(pt)) + salt + prefix + commitment
    assert len(header) == H
    n = max(1, -(-len(pt) // seg))
    out = bytearray(header)
    gcm = AESGCM(content_key)
    for i in range(n):
        nonce = prefix + struct.pack(">I", i) + bytes([1 if i == n - 1 else 0])
        out += gcm.encrypt(nonce, pt[i * seg:(i + 1) * seg], header)
    assert len(out) == H + len(pt) + 16 * n
    return bytes(out)


def decrypt(key, ct):
    header = ct[:H]
    assert header[:5] == b"S3SL\x01", "magic/version"
    seg, part, length = struct.unpack(">IHQ", header[6:20])
    salt, prefix, commitment = header[20:52], header[52:59], header[59:91]
    fixed = header[:12]
    assert hkdf(key, salt, b"s3seal/1/commitment\x00" + fixed) == commitment, "commitment"
    gcm = AESGCM(hkdf(key, salt, b"s3seal/1/content-key\x00" + fixed))
    n = max(1, -(-length // seg))
    pos, pt = H, bytearray()
    for i in range(n):
        size = (seg if i < n - 1 else length - (n - 1) * seg) + 16
        nonce = prefix + struct.pack(">I", i) + bytes([1 if i == n - 1 else 0])
        pt += gcm.decrypt(nonce, ct[pos:pos + size], header)
        pos += size
    assert pos == len(ct), "trailing data"
    return bytes(pt)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    files = sorted(glob.glob(os.path.join(folder, "*.hex")))
    assert files, "no vectors"
    for path in files:
        v = dict(line.strip().split("=", 1) for line in open(path) if "=" in line and not line.startswith("#"))
        b = {k: bytes.fromhex(v[k]) for k in ("data_key", "salt", "nonce_prefix", "plaintext", "ciphertext")}
        ct = encrypt(b["data_key"], b["salt"], b["nonce_prefix"], int(v["segment_size"]), int(v["part_number"]),
                     b["plaintext"])
        assert ct == b["ciphertext"], path + ": ciphertext differs"
        assert decrypt(b["data_key"], b["ciphertext"]) == b["plaintext"], path + ": plaintext differs"
        print("ok", os.path.basename(path), len(ct), "bytes")


if __name__ == "__main__":
    main()
