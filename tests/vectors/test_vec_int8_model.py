"""The int8-compute model derived from the shipped MiniLM: its graph rewrite, its cache, and its
vectors against the shipped model's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from learn.vectors.embedders import embed_texts, onnx_int8
from learn.vectors.embedders.onnx_minilm import OnnxMiniLMEmbedder, model_file


def _graph_with_guards(shared_isnan: bool) -> onnx.ModelProto:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])
    nodes = [
        helper.make_node("Softmax", ["x"], ["p"]),
        helper.make_node("IsNaN", ["p"], ["nan"]),
        helper.make_node("Where", ["nan", "zero", "p"], ["guarded"]),
        helper.make_node("Relu", ["guarded"], ["y"]),
        # A Where whose condition is not a NaN test of its own "else" input stays.
        helper.make_node("Greater", ["x", "zero"], ["positive"]),
        helper.make_node("Where", ["positive", "x", "zero"], ["kept"]),
    ]
    outputs = [y, helper.make_tensor_value_info("kept", TensorProto.FLOAT, [2, 3])]
    if shared_isnan:
        nodes.append(helper.make_node("Not", ["nan"], ["finite"]))
        outputs.append(helper.make_tensor_value_info("finite", TensorProto.BOOL, [2, 3]))
    zero = helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0])
    return helper.make_model(helper.make_graph(nodes, "g", [x], outputs, [zero]))


def test_nan_guards_after_softmax_are_dropped_and_consumers_rewired() -> None:
    model = _graph_with_guards(shared_isnan=False)
    assert onnx_int8.drop_softmax_nan_guards(model) == 2
    ops = [n.op_type for n in model.graph.node]
    assert "IsNaN" not in ops and ops.count("Where") == 1
    relu = next(n for n in model.graph.node if n.op_type == "Relu")
    assert list(relu.input) == ["p"]
    onnx.checker.check_model(model)


def test_a_nan_test_used_elsewhere_is_kept() -> None:
    model = _graph_with_guards(shared_isnan=True)
    assert onnx_int8.drop_softmax_nan_guards(model) == 0
    assert [n.op_type for n in model.graph.node].count("Where") == 2


@pytest.fixture(scope="module")
def derived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return onnx_int8.cached_int8_model(model_file(), tmp_path_factory.mktemp("cache"))


def test_derived_model_multiplies_in_int8_and_is_cached(
    derived: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = {n.op_type for n in onnx.load(str(derived)).graph.node}
    assert ops & {"MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat"}
    assert "IsNaN" not in ops

    def fail(*_: object) -> Path:
        raise AssertionError("rebuilt although cached")

    monkeypatch.setattr(onnx_int8, "build_int8_model", fail)
    assert onnx_int8.cached_int8_model(model_file(), derived.parent) == derived
    assert [p.name for p in derived.parent.iterdir()] == [derived.name]  # no build leftovers


def test_int8_vectors_agree_with_the_shipped_model() -> None:
    texts = [
        "Introduction to Algorithms",
        "This course covers the determination of output, employment, interest rates and inflation.",
        "Matrices, vector spaces, determinants and eigenvalues, with applications to engineering. "
        * 6,
        "urban design",
    ]
    shipped = np.asarray(embed_texts(OnnxMiniLMEmbedder(int8_compute=False), texts))
    int8 = OnnxMiniLMEmbedder(int8_compute=True)
    assert int8.name != OnnxMiniLMEmbedder(int8_compute=False).name  # vectors differ: re-embed
    fast = np.asarray(embed_texts(int8, texts))
    cosine = (shipped * fast).sum(axis=1)
    assert cosine.min() > 0.97, cosine
    # Still a semantic space: the closest text to each is itself.
    assert list(np.argmax(fast @ shipped.T, axis=1)) == list(range(len(texts)))


def test_unwritable_cache_folder_falls_back_to_temp(
    derived: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    temp = tmp_path / "tmp"
    temp.mkdir()
    (temp / "learn-models").mkdir()
    (temp / "learn-models" / derived.name).symlink_to(derived)  # already derived there
    monkeypatch.setattr(onnx_int8.tempfile, "gettempdir", lambda: str(temp))
    found = onnx_int8.cached_int8_model(model_file(), blocker / "models")
    assert found == temp / "learn-models" / derived.name


def test_no_writable_folder_at_all_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setattr(onnx_int8.tempfile, "gettempdir", lambda: str(blocker))
    with pytest.raises(RuntimeError, match="LEARN_CACHE_DIR"):
        onnx_int8.cached_int8_model(model_file(), blocker / "models")
