"""The data sets: the embedded digits through our TFDS builder, the download path
through tfds.load (mocked here: this machine is offline), expanded training data."""

import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds

from workshop.data.digits_builder import digit_images, split_indices
from workshop.data.pipeline import DatasetUnavailable, expand_by_shifts, load_splits


@pytest.fixture(scope="module")
def digits(data_dir):
    return load_splits("digits", data_dir)


def labels_of(dataset):
    return np.array([int(label) for _, label in dataset])


def test_digits_split_is_fixed_stratified_and_disjoint():
    _, labels = digit_images()
    first, second = split_indices(labels), split_indices(labels)
    assert all(np.array_equal(first[k], second[k]) for k in first)
    sizes = {k: len(v) for k, v in first.items()}
    assert sizes == {"train": 1077, "validation": 360, "test": 360}
    union = np.concatenate(list(first.values()))
    assert len(np.unique(union)) == len(labels) == 1797
    for indices in first.values():
        shares = np.bincount(labels[indices], minlength=10) / len(indices)
        assert np.all(np.abs(shares - 0.1) < 0.015)


def test_digits_reach_the_model_as_28x28_floats_with_mnist_margins(digits):
    assert digits.image_shape == (28, 28, 1) and digits.num_classes == 10
    images = np.stack([image.numpy() for image, _ in digits.test])
    assert images.dtype == np.float32 and images.shape == (360, 28, 28, 1)
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert images[:, :4].max() == 0 and images[:, :, -4:].max() == 0  # a 20×20 digit, centred
    assert images.mean() > 0.05
    assert np.array_equal(
        np.bincount(labels_of(digits.test), minlength=10),
        np.bincount(labels_of(digits.test), minlength=10),
    )


def test_expanded_data_adds_four_one_pixel_shifts():
    image = np.zeros((5, 5, 1), np.float32)
    image[2, 2] = 1.0
    dataset = tf.data.Dataset.from_tensor_slices((image[None], np.array([7])))
    views = list(expand_by_shifts(dataset))
    assert len(views) == 5 and all(int(label) == 7 for _, label in views)
    spots = [tuple(np.argwhere(v.numpy()[:, :, 0] == 1.0)[0]) for v, _ in views]
    assert spots == [(2, 2), (1, 2), (3, 2), (2, 1), (2, 3)]  # itself, up, down, left, right


def test_a_data_set_not_downloaded_fails_at_once_naming_digits(tmp_path):
    started = time.perf_counter()
    with pytest.raises(DatasetUnavailable, match="--dataset digits"):
        load_splits("mnist", str(tmp_path))
    assert time.perf_counter() - started < 10


def test_unknown_data_set_is_named(tmp_path):
    with pytest.raises(DatasetUnavailable, match="unknown data set 'emnist'"):
        load_splits("emnist", str(tmp_path))


def test_mnist_goes_through_tfds_load(tmp_path):
    with tfds.testing.mock_data(num_examples=12):
        mnist = load_splits("mnist", str(tmp_path))
    assert mnist.image_shape == (28, 28, 1) and mnist.num_classes == 10
    images = [image for image, _ in mnist.train]
    assert len(images) == 12 and images[0].dtype == tf.float32
    assert float(tf.reduce_max(tf.stack(images))) <= 1.0


def test_imagenette_goes_through_tfds_load_and_is_resized_to_32(tmp_path):
    with tfds.testing.mock_data(num_examples=6):
        imagenette = load_splits("imagenette", str(tmp_path))
    assert imagenette.image_shape == (32, 32, 3) and imagenette.num_classes == 10
    images = [image.numpy() for image, _ in imagenette.test]
    assert len(images) == 6
    assert all(image.shape == (32, 32, 3) for image in images)
    assert 0.0 <= min(i.min() for i in images) and max(i.max() for i in images) <= 1.0


def test_numbers_are_balanced_colour_and_written_with_disjoint_scans():
    from workshop.data.numbers_builder import splits

    made = splits()
    sizes = {name: len(images) for name, (images, _, _) in made.items()}
    assert sizes == {"train": 10_000, "validation": 2_000, "test": 2_000}
    scans = {name: set(used.ravel()) for name, (_, _, used) in made.items()}
    assert not scans["train"] & scans["test"] and not scans["train"] & scans["validation"]
    for name, (images, labels, used) in made.items():
        assert images.shape[1:] == (32, 32, 3) and images.dtype == np.uint8
        counts = np.bincount(labels, minlength=100)
        assert counts.min() == counts.max() == sizes[name] // 100  # every number equally
    # The two scans of each number show its two digits.
    from sklearn.datasets import load_digits

    target = load_digits().target
    images, labels, used = made["test"]
    assert np.array_equal(target[used[:, 0]] * 10 + target[used[:, 1]], labels)
    # Colour: the three channels differ (tinted photos, coloured ink).
    assert np.abs(images[..., 0].astype(int) - images[..., 2]).mean() > 10
    # The ink is the darker (1.2.0): an image's darkest tenth lies further below its
    # median than its brightest tenth lies above, in 75% of the test images (44% in
    # 1.1.0, whose ink was light on dark crops; photo texture makes up the rest).
    brightness = images.astype(float).mean(axis=-1).reshape(len(images), -1)
    low, middle, high = np.percentile(brightness, [10, 50, 90], axis=1)
    assert ((middle - low) > (high - middle)).mean() > 0.65
    # The same images every time: the data set is fixed by its seed.
    again = splits()["test"][0]
    assert np.array_equal(again, images)


def test_numbers_reach_the_model_through_the_pipeline(data_dir):
    numbers = load_splits("numbers", data_dir)
    assert numbers.image_shape == (32, 32, 3) and numbers.num_classes == 100
    image, label = next(iter(numbers.test))
    assert image.dtype == tf.float32 and 0 <= int(label) < 100
    assert float(tf.reduce_max(image)) <= 1.0


def test_house_numbers_have_1_to_5_digits_from_disjoint_scans_and_repeat_with_the_seed():
    from workshop.data.house_numbers import LENGTHS, make_splits

    sizes = {"train": 1500, "validation": 100, "test": 300}
    made = make_splits(seed=3, sizes=sizes)
    for name, split in made.items():
        assert split.images.shape == (sizes[name], 32, 96, 3) and split.images.dtype == np.uint8
        assert set(split.lengths.tolist()) <= set(LENGTHS)
        written = np.arange(5)[None, :] < split.lengths[:, None]
        assert ((split.digits >= 0) == written).all() and ((split.scans >= 0) == written).all()
    shares = np.bincount(made["train"].lengths, minlength=6)[1:] / sizes["train"]
    np.testing.assert_allclose(shares, list(LENGTHS.values()), atol=0.04)
    scans = {name: set(split.scans.ravel()) - {-1} for name, split in made.items()}
    assert not scans["train"] & scans["test"] and not scans["train"] & scans["validation"]
    again = make_splits(seed=3, sizes=sizes)["test"]
    np.testing.assert_array_equal(again.images, made["test"].images)


def test_switching_one_kind_of_clutter_off_changes_nothing_else():
    """The multidigit study's data switches: the same numbers, scans and places, with
    only the switched-off clutter gone (its draws are still taken)."""
    from workshop.data.house_numbers import Clutter, make_splits

    sizes = {"train": 200, "validation": 10, "test": 10}
    default = make_splits(seed=5, sizes=sizes)["train"]
    changed = {}
    for part in ("photo", "lines", "neighbours", "light_ink"):
        split = make_splits(seed=5, sizes=sizes, clutter=Clutter(**{part: False}))["train"]
        np.testing.assert_array_equal(split.digits, default.digits)
        np.testing.assert_array_equal(split.scans, default.scans)
        changed[part] = (split.images != default.images).any(axis=(1, 2, 3))
    # The photo is behind every number; lines are in about 3 of 4, a neighbour in 1 of 3.
    assert changed["photo"].mean() == 1.0
    assert 0.5 < changed["lines"].mean() < 0.95
    assert 0.15 < changed["neighbours"].mean() < 0.5
    assert 0.2 < changed["light_ink"].mean() < 0.8  # the numbers on dark backgrounds
    plain = make_splits(seed=5, sizes=sizes, clutter=Clutter(photo=False, lines=False))["train"]
    # Without photo or lines, the background is one colour: every image has at most
    # the background's and the ink's colours (and their blends along the strokes' edges,
    # all on one line in colour space), far fewer than a photo's.
    colours = [len(np.unique(image.reshape(-1, 3), axis=0)) for image in plain.images[:20]]
    photo_colours = [len(np.unique(image.reshape(-1, 3), axis=0)) for image in default.images[:20]]
    assert max(colours) < min(photo_colours), (colours, photo_colours)


def test_svhn_cropped_goes_through_tfds_load_as_single_digit_numbers(tmp_path):
    import argparse

    from workshop.experiments.multidigit.data import load

    args = argparse.Namespace(
        dataset="svhn", quick=True, seed=0, data_dir=str(tmp_path), download=False
    )
    with tfds.testing.mock_data(num_examples=8):
        prepared = load(args)
    images, lengths, digits = prepared.train
    assert images.shape == (8, 32, 32, 3) and images.dtype == np.float32
    assert (lengths == 1).all() and (digits[:, 1:] == -1).all() and (digits[:, 0] >= 0).all()
    assert prepared.lengths_seen == {1: 1.0}


def test_loaders_started_together_on_a_fresh_data_folder_all_load_it(tmp_path):
    """The workers of a multi-worker run build the digits once, not at the same time:
    without the lock one of them read no splits or failed renaming the folder."""
    folder = tmp_path / "tfds"
    with ThreadPoolExecutor(3) as pool:  # flock also excludes threads of one process
        loaded = list(pool.map(lambda _: load_splits("digits", str(folder)), range(3)))
    for splits in loaded:
        assert sum(1 for _ in splits.train) == 1077


def test_a_built_data_folder_is_only_read_and_an_unlockable_one_still_builds(tmp_path):
    """A class's shared or read-only data folder must load: once built, loading writes
    nothing there, not even the lock; where no lock file can be made, it builds anyway."""
    built = tmp_path / "built"
    load_splits("digits", str(built))
    (built / ".digits.lock").unlink()
    load_splits("digits", str(built))
    assert not (built / ".digits.lock").exists()
    fresh = tmp_path / "fresh"
    (fresh / ".digits.lock").mkdir(parents=True)  # opening it fails, as a read-only folder would
    assert sum(1 for _ in load_splits("digits", str(fresh)).train) == 1077


def test_building_the_digits_says_so_plainly_and_leaves_no_temporary_folder(
    tmp_path, monkeypatch, capsys
):
    """tfds looked the digits up in its GCS bucket through a tmp*tfds folder it never
    removed, and printed 'Downloading and preparing dataset Unknown size'."""
    import tempfile

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    load_splits("digits", str(tmp_path / "data"))
    load_splits("digits", str(tmp_path / "data"))
    assert [p.name for p in temporary.iterdir() if "tfds" in p.name] == []  # autograph's stay
    printed = capsys.readouterr().out
    assert f"building the digits data set into {tmp_path / 'data'} (once)" in printed
    assert "Downloading" not in printed and printed.count("building the digits") == 1
