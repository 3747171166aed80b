"""Hugging Face evaluation results (`.eval_results/*.yaml` in a model repository): files written
by huggingface_hub's own helpers are mapped, segboard's exports come back exactly and read with
huggingface_hub's parser, hostile files are refused with a finding."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import huggingface_hub as hub
import yaml

from .conftest import FIXTURE_RESULTS, run_segboard

HUB = "https://huggingface.co/example/segformer-b0-ade"
SEGFORMER = "SegFormer: Simple and Efficient Design for Semantic Segmentation with Transformers"
RESULT = "data/results/ade20k/val/segformer-b0-ade.yaml"


def write_results(folder: Path, name: str, entries: list[hub.EvalResultEntry]) -> Path:
    """An .eval_results file written with huggingface_hub's helper, as a foreign tool would."""
    path = folder / ".eval_results" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(hub.eval_result_entries_to_yaml(entries)))
    return path


def model_folder(tmp_path: Path) -> Path:
    """A model repository: a card with its paper's arxiv: tag and two .eval_results files, one
    with a benchmark segboard does not keep and a value that is not a number."""
    folder = tmp_path / "segformer-b0-ade"
    folder.mkdir()
    (folder / "README.md").write_text("---\ntags:\n- arxiv:2105.15203\n---\n\nA model.\n")
    ade = {"dataset_id": "scene_parse_150", "source_url": HUB, "source_name": "Model card"}
    write_results(folder, "ade20k.yaml", [
        hub.EvalResultEntry(task_id="mean_iou", value=37.41, **ade),
        hub.EvalResultEntry(task_id="overall_accuracy", value=78.93, date="2026-01-15", **ade),
    ])  # fmt: skip
    write_results(folder, "more.yaml", [
        hub.EvalResultEntry(dataset_id="cais/hle", task_id="default", value=20.9, source_url=HUB),
        hub.EvalResultEntry(task_id="mAcc", value="n/a", **ade),
    ])  # fmt: skip
    return folder


def records(root: Path) -> dict[str, Any]:
    return {
        str(path.relative_to(root)): yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((root / "data/results").rglob("*.yaml"))
    }


def test_a_model_folder_is_mapped_and_what_cannot_be_is_reported(
    repo: Path, tmp_path: Path
) -> None:
    folder = model_folder(tmp_path)
    args = ["import", "hf-eval-results", str(folder), "--paper-title", SEGFORMER]
    no_split = run_segboard(*args, cwd=repo)
    assert no_split.returncode == 1
    assert "the source names no split of ade20k; give --split" in no_split.stderr
    assert no_split.stdout == "" and not (repo / RESULT).exists()

    completed = run_segboard(*args, "--split", "validation", "--method", "SegFormer", cwd=repo)
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.splitlines() == ["data/papers/2105.15203.yaml", RESULT]
    more = f"{folder}/.eval_results/more.yaml: error: "
    assert f"{more}model 'segformer-b0-ade', benchmark 'cais/hle': unknown dataset 'cais/hle'" in (
        completed.stderr
    )
    assert f"{more}entry 2: value 'n/a' is not a number" in completed.stderr
    assert "left out 2" in completed.stderr
    record = yaml.safe_load((repo / RESULT).read_text())
    assert record["metrics"] == {"miou": 37.41, "pixel-accuracy": 78.93,
                                 "scene-parsing-score": 58.17}  # fmt: skip
    assert (record["split"], record["method"]) == ("val", "SegFormer")
    assert record["paper"] == "2105.15203"  # from the card's arxiv: tag
    assert record["source"]["url"] == HUB
    assert [c["field"] for c in record["curation"]] == ["split", "metrics.scene-parsing-score"]


def test_fractions_are_asked_about_and_one_file_can_be_imported(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "model"
    one = write_results(folder, "ade.yaml", [
        hub.EvalResultEntry(dataset_id="ADE20K", task_id="mean_iou", value=0.3741),
        hub.EvalResultEntry(dataset_id="ADE20K", task_id="mean_iou", value=0.38),
    ])  # fmt: skip
    args = ["import", "hf-eval-results", str(one), "--split", "val", "--paper", "1612.01105"]
    unsure = run_segboard(*args, "--source-url", HUB, cwd=repo)
    assert unsure.returncode == 1
    assert "entry 2: task 'mean_iou' of ADE20K is given twice" in unsure.stderr
    assert "fractions of 1 or percentages?" in unsure.stderr
    no_source = run_segboard(*args, "--scale", "fraction", cwd=repo)
    assert "model 'model', benchmark 'ADE20K': no source; give --source-url" in no_source.stderr
    no_paper = run_segboard("import", "hf-eval-results", str(one), cwd=repo)
    assert "the card names no paper (no arxiv: tag); give --paper" in no_paper.stderr


def test_hostile_files_are_refused_with_a_finding(repo: Path, tmp_path: Path) -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    files = {
        "bomb": "\n".join(levels) + "\n",
        "twice": "- dataset: {id: ade20k, task_id: miou}\n  value: 40.1\n  value: 99.9\n",
        "huge": "- value: 1\n" + "#" * 5_000_000 + "\n",
        "scalar": "just text\n",
        "listkey": "- {[a, b]: 1}\n",
        "shapes": "- 3\n- dataset: ade20k\n  value: 1\n- dataset: {id: ade20k, task_id: x}\n"
        "  value: 1\n  source: [a]\n",
    }
    for name, text in files.items():
        (tmp_path / name / ".eval_results").mkdir(parents=True)
        (tmp_path / name / ".eval_results/r.yaml").write_text(text)
    found = {}
    for name in files:
        completed = run_segboard("import", "hf-eval-results", str(tmp_path / name), cwd=repo)
        assert completed.returncode == 1, completed.stderr
        assert "Traceback" not in completed.stderr and completed.stdout == ""
        found[name] = completed.stderr
    assert "its aliases (*name) expand to more than 1,000,000 values" in found["bomb"]
    assert "duplicate key 'value' (first given at line 2)" in found["twice"]
    assert "r.yaml: error: larger than 4,194,304 bytes" in found["huge"]
    assert "not a list of evaluation results" in found["scalar"]
    assert "r.yaml:1:4: error: invalid YAML: found unhashable key" in found["listkey"]
    assert "entry 1 is not a mapping" in found["shapes"]
    assert (
        "entry 2: not in the expected form (it needs dataset.id and dataset.task_id)"
        in (found["shapes"])
    )
    assert "entry 3: not in the expected form (source is not a mapping)" in found["shapes"]
    empty = run_segboard("import", "hf-eval-results", str(tmp_path), "--paper", "x", cwd=repo)
    assert empty.returncode == 1  # a folder of model folders: each one's findings
    (tmp_path / "two").mkdir()
    model_folder(tmp_path / "two")
    write_results(tmp_path / "two/other", "r.yaml", [
        hub.EvalResultEntry(dataset_id="ade20k", task_id="miou", value=40.0),
    ])  # fmt: skip
    args = ["import", "hf-eval-results", str(tmp_path / "two"), "--source-url", HUB]
    several = run_segboard(*args, cwd=repo)
    assert several.returncode == 2 and "holds 2 models not written by segboard" in several.stderr
    (tmp_path / "two/other/README.md").write_text("no front matter\n")
    card = run_segboard("import", "hf-eval-results", str(tmp_path / "two/other"), cwd=repo)
    assert "README.md: error: no YAML front matter" in card.stderr
    nothing = tmp_path / "nothing"
    nothing.mkdir()
    none = run_segboard("import", "hf-eval-results", str(nothing), cwd=repo)
    assert none.returncode == 2
    assert "no evaluation results (.eval_results/*.yaml) found" in none.stderr


def test_the_export_reads_with_huggingface_hubs_parser(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    completed = run_segboard("export", "--format", "hf-eval-results", "-o", str(out), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    files = sorted(out.glob("*/.eval_results/*.yaml"))
    assert len(files) == FIXTURE_RESULTS
    path = out / "ade20k--val--deeplab-v3-xception-65-imagenet/.eval_results/ade20k_val.yaml"
    data = yaml.safe_load(path.read_text())
    entries = hub.parse_eval_result_entries(data)
    values = {e.task_id: e.value for e in entries}
    assert values == {"scene-parsing-score": 64.08, "pixel-accuracy": 82.52, "miou": 45.65}
    assert {e.dataset_id for e in entries} == {"ade20k"}
    assert all(e.source_url and e.verify_token is None for e in entries)
    # what is not under the `segboard` key is exactly the form huggingface_hub writes
    assert hub.eval_result_entries_to_yaml(entries) == [
        {k: v for k, v in entry.items() if k != "segboard"} for entry in data
    ]
    assert data[0]["segboard"]["result"] == "ade20k/val/deeplab-v3-xception-65-imagenet"
    for file in files:
        assert "verifyToken" not in file.read_text()


def test_export_then_import_gives_back_the_same_records(repo: Path, tmp_path: Path) -> None:
    before = records(repo)
    out = tmp_path / "out"
    exported = run_segboard("export", "--format", "hf-eval-results", "-o", str(out), cwd=repo)
    assert exported.returncode == 0, exported.stderr
    shutil.rmtree(repo / "data/results")
    completed = run_segboard("import", "hf-eval-results", str(out), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert len(completed.stdout.splitlines()) == FIXTURE_RESULTS
    assert records(repo) == before  # curation (corrections), evidence, settings, source
    again = run_segboard("import", "hf-eval-results", str(out), cwd=repo)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_the_export_replaces_only_its_own_files(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    theirs = out / "someone-else/.eval_results/hle.yaml"
    beside = out / "ade20k--val--pspnet-resnet-50/.eval_results/their-own.yaml"
    stale = out / "ade20k--val--pspnet-resnet-50/.eval_results/ade20k_val.yaml"
    for path in (theirs, beside, stale):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("not segboard's\n")
    completed = run_segboard("export", "--format", "hf-eval-results", "-o", str(out), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert f"wrote {FIXTURE_RESULTS} evaluation-results files into {out}" in completed.stderr
    assert theirs.read_text() == beside.read_text() == "not segboard's\n"
    assert "PSPNet-ResNet-50" in stale.read_text()
    blocked = run_segboard("export", "--format", "hf-eval-results", cwd=repo)
    assert blocked.returncode == 2 and "give -o DIR" in blocked.stderr
