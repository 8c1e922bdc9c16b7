"""Python reference preprocessing for parity tests of preprocess.ts (spec §1.7 / §4.3).

ALBEF test transform: PIL open -> convert('RGB') -> Resize((R, R), BICUBIC) -> ToTensor -> Normalize.
The app adds two documented steps that this reference mirrors so the comparison is like for like:
EXIF orientation (ImageOps.exif_transpose) and alpha composited on the bundle's background colour
(docs/bundle-format.md `image.background`) instead of dropped. ToTensor/Normalize are written out in
numpy (no torchvision here): x/255 then (x - mean) / std in float32.

Usage: preprocess.reference.py REQUEST.json OUT.f32
REQUEST = {"resolution": R, "mean": [..], "std": [..], "background": [r,g,b], "files": [paths]}
OUT = float32 little-endian, files x 3 x R x R (NCHW). Also prints one JSON line per file: its size.
"""
import json
import sys

import numpy as np
from PIL import Image, ImageOps


def load_rgb(path, background):
    img = Image.open(path)
    img.seek(0)  # first frame of GIF/WebP animations
    img = ImageOps.exif_transpose(img)
    if img.mode == 'P' and 'transparency' in img.info:
        img = img.convert('RGBA')
    if img.mode in ('RGBA', 'LA', 'PA'):
        rgba = img.convert('RGBA')
        base = Image.new('RGBA', rgba.size, tuple(background) + (255,))
        img = Image.alpha_composite(base, rgba)
    return img.convert('RGB')


def main():
    request = json.load(open(sys.argv[1]))
    res = request['resolution']
    mean = np.asarray(request['mean'], dtype=np.float32).reshape(3, 1, 1)
    std = np.asarray(request['std'], dtype=np.float32).reshape(3, 1, 1)
    with open(sys.argv[2], 'wb') as out:
        for path in request['files']:
            img = load_rgb(path, request['background'])
            size = img.size
            img = img.resize((res, res), Image.BICUBIC)
            x = np.asarray(img, dtype=np.float32).transpose(2, 0, 1) / 255.0
            x = (x - mean) / std
            out.write(x.astype('<f4').tobytes())
            print(json.dumps({'file': path, 'width': size[0], 'height': size[1]}))


if __name__ == '__main__':
    main()
