# SPDX-License-Identifier: ISC
"""pngcheck.py: read a PNG with nothing but the standard library, so
tests can check an image's size and look at its pixels.

    import pngcheck
    w, h = pngcheck.size(data)          # from IHDR; ValueError if not a PNG
    img = pngcheck.decode(data)         # every chunk's CRC, the zlib stream
                                        # and the filters checked
    img.width, img.height, img.pixel(x, y) -> (r, g, b)
    img.count(rgb, tol=0)               # pixels within tol of rgb

Only what librrd and Chromium write is supported: 8-bit greyscale, RGB,
palette, grey+alpha and RGBA, not interlaced.  Anything else raises
ValueError, as does a truncated or corrupt file.
"""
import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def size(data):
    """(width, height) from the IHDR chunk."""
    if data[:8] != SIGNATURE:
        raise ValueError("not a PNG (bad signature)")
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ValueError("PNG without IHDR first")
    return struct.unpack(">II", data[16:24])


def _chunks(data):
    pos = 8
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError("truncated chunk header at %d" % pos)
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n or pos + 12 + n > len(data):
            raise ValueError("truncated %r chunk" % kind)
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            raise ValueError("bad CRC in %r chunk" % kind)
        yield kind, body
        pos += 12 + n
        if kind == b"IEND":
            return
    raise ValueError("no IEND chunk")


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


class Image:
    def __init__(self, width, height, rows, ctype, palette):
        self.width = width
        self.height = height
        self._rows = rows
        self._ctype = ctype
        self._palette = palette
        self._bpp = CHANNELS[ctype]

    def pixel(self, x, y):
        row = self._rows[y]
        i = x * self._bpp
        if self._ctype in (0, 4):
            return (row[i],) * 3
        if self._ctype == 3:
            return self._palette[row[i]]
        return tuple(row[i:i + 3])

    def count(self, rgb, tol=0):
        n = 0
        for y in range(self.height):
            for x in range(self.width):
                p = self.pixel(x, y)
                if all(abs(p[k] - rgb[k]) <= tol for k in range(3)):
                    n += 1
        return n


def decode(data):
    """The image as an Image; ValueError if the file is not a sound PNG."""
    width, height = size(data)
    idat = b""
    palette = None
    ihdr = None
    for kind, body in _chunks(data):
        if kind == b"IHDR":
            ihdr = body
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body), 3)]
        elif kind == b"IDAT":
            idat += body
    depth, ctype, _, _, interlace = struct.unpack(">BBBBB", ihdr[8:13])
    if depth != 8 or ctype not in CHANNELS or interlace != 0:
        raise ValueError("unsupported PNG: depth %d, colour type %d, "
                         "interlace %d" % (depth, ctype, interlace))
    if ctype == 3 and palette is None:
        raise ValueError("palette PNG without PLTE")
    raw = zlib.decompress(idat)
    bpp = CHANNELS[ctype]
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        raise ValueError("image data is %d bytes, expected %d" %
                         (len(raw), height * (stride + 1)))
    rows = []
    prev = bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                cur[i] = (cur[i] + cur[i - bpp]) & 0xff
        elif f == 2:
            for i in range(stride):
                cur[i] = (cur[i] + prev[i]) & 0xff
        elif f == 3:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 0xff
        elif f == 4:
            for i in range(stride):
                left = cur[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                cur[i] = (cur[i] + _paeth(left, prev[i], up_left)) & 0xff
        elif f != 0:
            raise ValueError("bad filter type %d in row %d" % (f, y))
        rows.append(bytes(cur))
        prev = cur
    return Image(width, height, rows, ctype, palette)
