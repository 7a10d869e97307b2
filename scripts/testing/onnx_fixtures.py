"""Builds scikit-learn-style ONNX classifiers with Debian's python3-onnx (onnx.helper), a route
independent of Oversight's own protobufjs writer, for the bring-your-own-model tests.

usage: /usr/bin/python3 onnx_fixtures.py OUT.onnx '{"kind": "linear_zipmap", "weights": [...], "bias": 0.1, "labels": [0, 1]}'

kind:
  linear_zipmap  ai.onnx.ml LinearClassifier (one coefficient row, LOGISTIC) then ZipMap, as skl2onnx's
                 default export: outputs output_label [N] and output_probability (sequence of maps).
                 Integer labels give classlabels_ints / classlabels_int64s, string labels _strings.
  linear         the same without ZipMap: outputs label [N] and probabilities float [N, 2].
  column_transformer / column_transformer_zipmap
                 skl2onnx's layout for a ColumnTransformer pipeline: one [N, 1] input per feature
                 ("categorical": a string input one-hot encoded by ai.onnx.ml OneHotEncoder over
                 "categories"; "numeric": [{"name", "type": "float"|"double"|"int64"}], each Cast to
                 float), Concat, then LinearClassifier (weights: the one-hot columns first, then the
                 numeric inputs), optionally ZipMap.
"""
import json
import sys

from onnx import TensorProto, TypeProto, checker, helper


ELEMENT_TYPES = {"float": TensorProto.FLOAT, "double": TensorProto.DOUBLE, "int64": TensorProto.INT64}


def column_transformer(spec):
    """The inputs and the nodes that turn them into one float matrix named 'features'."""
    categorical, categories = spec["categorical"], spec["categories"]
    inputs = [helper.make_tensor_value_info(categorical, TensorProto.STRING, ["N", 1])]
    nodes = [
        helper.make_node("OneHotEncoder", [categorical], ["onehot3d"], domain="ai.onnx.ml", name="OneHotEncoder", cats_strings=categories, zeros=1),
        # OneHotEncoder gives [N, 1, K]; skl2onnx flattens it to [N, K].
        helper.make_node("Flatten", ["onehot3d"], ["onehot"], axis=1, name="Flatten"),
    ]
    concatenated = ["onehot"]
    for numeric in spec["numeric"]:
        name, element = numeric["name"], ELEMENT_TYPES[numeric["type"]]
        inputs.append(helper.make_tensor_value_info(name, element, ["N", 1]))
        if element == TensorProto.FLOAT:
            concatenated.append(name)
        else:
            nodes.append(helper.make_node("Cast", [name], [f"{name}_float"], to=TensorProto.FLOAT, name=f"Cast_{name}"))
            concatenated.append(f"{name}_float")
    nodes.append(helper.make_node("Concat", concatenated, ["features"], axis=1, name="Concat"))
    return inputs, nodes


def main() -> None:
    out, spec = sys.argv[1], json.loads(sys.argv[2])
    weights, bias, labels = spec["weights"], spec["bias"], spec["labels"]
    strings = isinstance(labels[0], str)
    width = len(weights)
    zipmap = spec["kind"] in ("linear_zipmap", "column_transformer_zipmap")
    if spec["kind"].startswith("column_transformer"):
        graph_inputs, nodes = column_transformer(spec)
    else:
        graph_inputs, nodes = [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", width])], []
    label_name = "output_label" if zipmap else "label"
    label_attr = {"classlabels_strings": labels} if strings else {"classlabels_ints": labels}
    nodes += [
        helper.make_node(
            "LinearClassifier",
            ["features"],
            [label_name, "probabilities"],
            domain="ai.onnx.ml",
            name="LinearClassifier",
            coefficients=weights,
            intercepts=[bias],
            multi_class=0,
            post_transform="LOGISTIC",
            **label_attr,
        )
    ]
    label_type = TensorProto.STRING if strings else TensorProto.INT64
    outputs = [helper.make_tensor_value_info(label_name, label_type, ["N"])]
    if zipmap:
        zip_attr = {"classlabels_strings": labels} if strings else {"classlabels_int64s": labels}
        nodes.append(helper.make_node("ZipMap", ["probabilities"], ["output_probability"], domain="ai.onnx.ml", name="ZipMap", **zip_attr))
        key = TensorProto.STRING if strings else TensorProto.INT64
        # seq(map(key, float)), built by hand: onnx 1.12's helper has no make_map_type_proto.
        entry = TypeProto()
        entry.map_type.key_type = key
        entry.map_type.value_type.tensor_type.elem_type = TensorProto.FLOAT
        sequence = TypeProto()
        sequence.sequence_type.elem_type.CopyFrom(entry)
        outputs.append(helper.make_value_info("output_probability", sequence))
    else:
        outputs.append(helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 2]))
    graph = helper.make_graph(nodes, "python_onnx_classifier", graph_inputs, outputs)
    model = helper.make_model(
        graph,
        producer_name="python3-onnx fixture",
        opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("ai.onnx.ml", 1)],
    )
    model.ir_version = 8
    checker.check_model(model)
    with open(out, "wb") as handle:
        handle.write(model.SerializeToString())


main()
