"""Training data pipeline: manifest reading, crops, flips, batches (spec §1.7)."""
import json
import random

import pytest
import torch
from PIL import Image

from tools.albef import data as albef_data
from tools.albef.data import (MEAN, STD, TrainSet, is_directional, load_rgb, random_resized_crop_box, read_manifest)


def _manifest(tmp_path, rows):
    (tmp_path / "img").mkdir(exist_ok=True)
    lines = []
    for i, (cap, tags, cid, colour) in enumerate(rows):
        Image.new("RGBA", (40, 40), colour).save(tmp_path / "img" / f"{i}.png")
        lines.append(json.dumps({"image": f"img/{i}.png", "caption": cap, "caption_tags": tags, "id": cid,
                                 "style": "noto", "group": "g"}))
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_read_manifest_resolves_paths_and_names_file_and_line_of_a_bad_row(tmp_path):
    path = _manifest(tmp_path, [("red apple", "fruit, red", "1f34e", (255, 0, 0, 255))])
    pairs = read_manifest(path)
    assert [(p.caption, p.tags, p.concept) for p in pairs] == [("red apple", "fruit, red", "1f34e")]
    assert pairs[0].image_path == str(tmp_path / "img" / "0.png")
    with open(path, "a") as f:
        f.write('{"caption": "no image"}\n')
    with pytest.raises(ValueError, match=r"m\.jsonl:2: bad manifest row"):
        read_manifest(path)


def test_transparent_pixels_are_composited_on_white(tmp_path):
    Image.new("RGBA", (4, 4), (255, 0, 0, 0)).save(tmp_path / "t.png")
    assert load_rgb(str(tmp_path / "t.png")).getpixel((0, 0)) == (255, 255, 255)


def test_test_transform_squashes_to_resolution_and_normalises_with_clip_statistics():
    t = albef_data.test_transform(Image.new("RGB", (50, 30), (255, 255, 255)), 24)
    assert tuple(t.shape) == (3, 24, 24)
    expected = [(1 - m) / s for m, s in zip(MEAN, STD)]
    assert torch.allclose(t[:, 5, 5], torch.tensor(expected), atol=1e-5)


def test_random_resized_crop_boxes_stay_inside_and_cover_half_to_all_of_the_area():
    rng = random.Random(0)
    for _ in range(500):
        x, y, w, h = random_resized_crop_box(128, 128, rng)
        assert 0 <= x and 0 <= y and x + w <= 128 and y + h <= 128
        assert 0.5 * 128 * 128 * 0.9 <= w * h <= 128 * 128


def test_direction_words_disable_the_flip():
    assert is_directional("left arrow") and is_directional("person walking facing right")
    assert not is_directional("red apple") and not is_directional("bright star")


def test_train_batches_carry_concept_indices_and_drop_the_last_partial_batch(tmp_path):
    path = _manifest(tmp_path, [("red apple", "", "a", (255, 0, 0, 255)), ("red apple", "", "a", (200, 0, 0, 255)),
                                ("blue heart", "love", "b", (0, 0, 255, 255))])
    ds = TrainSet(read_manifest(path), res=32, seed=0)
    order = ds.epoch_order(0, 2)
    assert len(order) == 1 and len(order[0]) == 2
    img, caps, idx = ds.batch([0, 1, 2])
    assert tuple(img.shape) == (3, 3, 32, 32)
    assert idx.tolist() == [0, 0, 1]
    assert caps[0] == "red apple"


def test_photometric_jitter_changes_brightness_or_sharpness_but_never_the_hue():
    # Half red, half blue: after any jitter the red half must stay red-dominant and the blue half blue-dominant,
    # because captions name colours ("red apple") and the jitter is meant to be hue-preserving.
    im = Image.new("RGB", (32, 32), (220, 30, 30))
    im.paste((30, 30, 220), (16, 0, 32, 32))
    changed = 0
    for seed in range(40):
        out = albef_data.photometric_jitter(im, random.Random(seed))
        assert out.size == im.size
        r = out.getpixel((4, 16))
        b = out.getpixel((28, 16))
        assert r[0] > r[1] and r[0] > r[2], (seed, r)
        assert b[2] > b[0] and b[2] > b[1], (seed, b)
        changed += out.tobytes() != im.tobytes()
    assert changed >= 30  # p(no change) = 0.5^3 · 0.7 ≈ 0.09 per draw
    a = albef_data.photometric_jitter(im, random.Random(7)).tobytes()
    assert a == albef_data.photometric_jitter(im, random.Random(7)).tobytes()


def test_shading_lights_the_drawn_object_and_leaves_the_white_background_white():
    im = Image.new("RGB", (48, 48), (255, 255, 255))
    im.paste((200, 120, 20), (12, 12, 36, 36))  # an orange square on white
    changed = 0
    for seed in range(20):
        out = albef_data.shade(im, random.Random(seed))
        assert out.size == im.size and out.mode == "RGB"
        assert out.getpixel((1, 1)) == (255, 255, 255) and out.getpixel((46, 46)) == (255, 255, 255)
        inside = [out.getpixel((x, y)) for x in (14, 24, 33) for y in (14, 24, 33)]
        changed += len(set(inside)) > 1  # a falloff across the object, not one flat colour
    assert changed == 20
    assert albef_data.shade(im, random.Random(3)).tobytes() == albef_data.shade(im, random.Random(3)).tobytes()


def test_loader_batches_do_not_depend_on_which_worker_draws_them(tmp_path):
    path = _manifest(tmp_path, [(f"thing {i}", "", f"c{i}", (20 * i, 100, 200, 255)) for i in range(6)])
    ds = TrainSet(read_manifest(path), res=16, seed=0, photometric=True, shading=True)
    batches = ds.epoch_order(0, 2)
    a = albef_data.EpochBatches(ds, batches, epoch=0, first=1, seed=0)
    assert len(a) == 2
    first, again = a[1], albef_data.EpochBatches(ds, batches, epoch=0, first=0, seed=0)[2]
    assert torch.equal(first[0], again[0]) and first[1] == again[1] and torch.equal(first[2], again[2])
    other_epoch = albef_data.EpochBatches(ds, batches, epoch=1, first=1, seed=0)[1]
    assert not torch.equal(first[0], other_epoch[0])
