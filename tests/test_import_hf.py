"""`segboard import hf` on model cards written by other tools (huggingface_hub, as transformers'
Trainer uses it), mapped through the catalogue's aliases; everything else reported."""

from __future__ import annotations

import re
from pathlib import Path

import huggingface_hub as hub
import yaml

from generator.records.validation import validate_repository

from .conftest import run_segboard

SEGFORMER = "SegFormer: Simple and Efficient Design for Semantic Segmentation with Transformers"
HUB = "https://huggingface.co/example/segformer-b0-finetuned-ade"
RESULT = "data/results/ade20k/val/segformer-b0-finetuned-ade.yaml"


def write_card(folder: Path, card_data: hub.ModelCardData, body: str = "A model.") -> Path:
    """A README.md written by huggingface_hub itself, as a foreign tool would write it."""
    card = hub.ModelCard.from_template(
        card_data, template_str="---\n{{ card_data }}\n---\n\n" + body
    )
    folder.mkdir(parents=True, exist_ok=True)
    card.save(folder / "README.md")
    return folder / "README.md"


def trainer_card(folder: Path, with_score: bool = True, **changes: object) -> Path:
    """Like the card transformers' Trainer writes: evaluate's mean_iou gives fractions of 1."""
    common = {"task_type": "image-segmentation", "task_name": "Image Segmentation",
              "dataset_type": "scene_parse_150", "dataset_name": "ADE20K",
              "dataset_split": "validation", **changes}  # fmt: skip
    results = [
        hub.EvalResult(
            metric_type="mean_iou", metric_name="Mean Iou", metric_value=0.3741, **common
        ),
        hub.EvalResult(
            metric_type="overall_accuracy", metric_value=0.7893, verified=True, **common
        ),
        hub.EvalResult(metric_type="scene-parsing-score", metric_value=0.5817, **common),
        hub.EvalResult(metric_type="per_category_iou", metric_value=[0.7, 0.4], **common),
    ]
    if not with_score:
        del results[2]
    data = hub.ModelCardData(
        model_name="segformer-b0-finetuned-ade", library_name="transformers",
        tags=["vision", "image-segmentation", "arxiv:2105.15203"], eval_results=results,
    )  # fmt: skip
    return write_card(folder, data, "See [the paper](https://arxiv.org/abs/2105.15203).")


def test_a_trainer_card_is_mapped_and_fractions_are_asked_about(repo: Path, tmp_path: Path) -> None:
    card = trainer_card(tmp_path / "card")
    args = ["import", "hf", str(card), "--source-url", HUB, "--paper-title", SEGFORMER]
    unsure = run_segboard(*args, cwd=repo)
    assert unsure.returncode == 1
    assert (
        "miou = 0.3741, pixel-accuracy = 0.7893, scene-parsing-score = 0.5817: fractions of 1 "
        "or percentages? segboard records percentages; give --scale fraction"
    ) in unsure.stderr
    assert unsure.stdout == "" and not (repo / RESULT).exists()  # nothing written

    weights = f"--weights=PyTorch={HUB}"
    completed = run_segboard(*args, "--scale", "fraction", "--method", "SegFormer",
                             "--backbone", "MiT-B0", weights, cwd=repo)  # fmt: skip
    assert completed.returncode == 1, completed.stderr  # the per-class list is left out
    assert completed.stdout.splitlines() == ["data/papers/2105.15203.yaml", RESULT]
    assert "metric 'per_category_iou' = [0.7, 0.4] is not one segboard knows" in completed.stderr
    record = yaml.safe_load((repo / RESULT).read_text())
    assert record["metrics"] == {"miou": 37.41, "pixel-accuracy": 78.93,
                                 "scene-parsing-score": 58.17}  # fmt: skip
    assert record["split"] == "val"  # "validation" in the card
    assert (record["method"], record["backbone"], record["paper"]) == (
        "SegFormer", "MiT-B0", "2105.15203",  # the paper from the card's arxiv: tag
    )  # fmt: skip
    assert record["weights"] == [{"url": HUB, "framework": "PyTorch"}]
    assert record["source"] == {"kind": "model-zoo", "url": HUB,
                                "detail": "model card, model-index entry "
                                          "segformer-b0-finetuned-ade"}  # fmt: skip
    assert record["curation"][0] == {
        "field": "metrics.miou", "action": "corrected", "published": "0.3741",
        "reason": "The source gives a fraction of 1; segboard records percentages, so the "
                  "value is multiplied by 100.",
    }  # fmt: skip
    assert [c["field"] for c in record["curation"]] == [
        "metrics.miou", "metrics.pixel-accuracy", "metrics.scene-parsing-score",
    ]  # fmt: skip
    assert "verified" not in (repo / RESULT).read_text()  # Hugging Face's flag is not ours
    paper = yaml.safe_load((repo / "data/papers/2105.15203.yaml").read_text())
    assert paper["title"] == SEGFORMER and paper["url"] == "https://arxiv.org/abs/2105.15203"
    report = validate_repository(repo)
    assert report.errors == []
    [result] = [r for r in report.catalog.results if r.id == RESULT[13:-5]]
    assert result.published_text("miou") == "37.41"


def test_ade20k_score_is_computed_from_its_components_and_said_so(
    repo: Path, tmp_path: Path
) -> None:
    card = trainer_card(tmp_path / "card", with_score=False)  # Trainer cards give no score
    completed = run_segboard("import", "hf", str(card), "--source-url", HUB, "--paper-title",
                             SEGFORMER, "--scale", "fraction", cwd=repo)  # fmt: skip
    assert completed.stdout.splitlines() == ["data/papers/2105.15203.yaml", RESULT]
    record = yaml.safe_load((repo / RESULT).read_text())
    assert record["metrics"] == {"miou": 37.41, "pixel-accuracy": 78.93,
                                 "scene-parsing-score": 58.17}  # fmt: skip
    assert [(c["field"], c["action"]) for c in record["curation"]] == [
        ("metrics.miou", "corrected"), ("metrics.pixel-accuracy", "corrected"),
        ("metrics.scene-parsing-score", "added"),
    ]  # fmt: skip
    assert validate_repository(repo).errors == []  # the score agrees with its components


def test_percent_cards_and_split_from_the_command_line(repo: Path, tmp_path: Path) -> None:
    result = hub.EvalResult(task_type="image-segmentation", dataset_type="cityscapes",
                            dataset_name="Cityscapes", metric_type="mIoU", metric_value=78.5,
                            source_url="https://example.org/deeplab")  # fmt: skip
    data = hub.ModelCardData(model_name="deeplabv3-r101-cityscapes", eval_results=[result])
    card = write_card(tmp_path / "card", data, "From https://arxiv.org/abs/1706.05587 .")
    no_paper = run_segboard("import", "hf", str(card), "--split", "val", cwd=repo)
    assert no_paper.returncode == 1
    assert (
        "the card names no paper (no arxiv: tag); give --paper (the card links arXiv 1706.05587)"
        in no_paper.stderr
    )
    no_split = run_segboard("import", "hf", str(card), "--paper", "1706.05587", cwd=repo)
    assert "the source names no split of cityscapes; give --split" in no_split.stderr
    completed = run_segboard(
        "import", "hf", str(card), "--paper", "1706.05587", "--split", "val", cwd=repo
    )
    assert completed.returncode == 0, completed.stderr
    target = repo / "data/results/cityscapes/val/deeplabv3-r101-cityscapes.yaml"
    assert completed.stdout.splitlines() == [str(target.relative_to(repo))]
    record = yaml.safe_load(target.read_text())
    assert record["metrics"] == {"miou": 78.5}  # above 1: a percentage, kept as written
    assert record["source"]["url"] == "https://example.org/deeplab"  # the card's own source
    assert record["curation"] == [
        {"field": "split", "action": "inferred",
         "reason": "The source names no split; val was given on import (--split)."}
    ]  # fmt: skip
    assert validate_repository(repo).errors == []
    again = run_segboard(
        "import", "hf", str(card), "--paper", "1706.05587", "--split", "val", cwd=repo
    )
    assert again.returncode == 1
    assert "data/results/cityscapes/val/deeplabv3-r101-cityscapes.yaml already exists" in (
        again.stderr
    )


def test_every_card_that_cannot_be_mapped_is_reported(repo: Path, tmp_path: Path) -> None:
    def card(name: str, **result: object) -> None:
        fields = {"task_type": "image-segmentation", "dataset_type": "cityscapes",
                  "dataset_name": "Cityscapes", "dataset_split": "val",
                  "metric_type": "mean_iou", "metric_value": 70.0,
                  "source_url": "https://example.org/", **result}  # fmt: skip
        data = hub.ModelCardData(model_name=name, eval_results=[hub.EvalResult(**fields)],
                                 tags=["arxiv:1706.05587"])  # fmt: skip
        write_card(tmp_path / "cards" / name, data)

    card("classifier", task_type="image-classification")
    card("instances", dataset_config="instance_segmentation")
    card("camvid-model", dataset_type="camvid", dataset_name="CamVid")
    card("test-split", dataset_split="train")
    card("hostile", metric_value="<script>")
    (tmp_path / "cards/plain").mkdir()
    (tmp_path / "cards/plain/README.md").write_text("# no front matter\n")
    (tmp_path / "cards/no-index").mkdir()
    (tmp_path / "cards/no-index/README.md").write_text("---\nlicense: mit\n---\n# card\n")
    (tmp_path / "cards/twice").mkdir()
    (tmp_path / "cards/twice/README.md").write_text(
        "---\nmodel-index:\n- name: twice\n  results:\n  - task: {type: image-segmentation}\n"
        "    dataset: {type: cityscapes, split: val}\n    metrics:\n"
        "    - {type: mean_iou, value: 70.1}\n    - {type: mean_iou, value: 72.3}\n---\n"
    )
    completed = run_segboard("import", "hf", str(tmp_path / "cards"), "--paper", "1706.05587",
                             cwd=repo)  # fmt: skip
    assert completed.returncode == 1
    assert completed.stdout == ""
    cards = tmp_path / "cards"
    expected = [
        f"{cards}/camvid-model/README.md: model 'camvid-model', result 1: unknown dataset "
        "'camvid' / 'CamVid'; add an alias to its dataset record",
        f"{cards}/classifier/README.md: model 'classifier', result 1: task "
        "'image-classification' is not semantic segmentation",
        f"{cards}/hostile/README.md: model 'hostile', result 1: metric 'mean_iou' = "
        "'<script>' is not a number",
        f"{cards}/instances/README.md: model 'instances', result 1: dataset config "
        "'instance_segmentation' is not semantic segmentation",
        f"{cards}/no-index/README.md: no model-index in its front matter",
        f"{cards}/plain/README.md: no YAML front matter (a model card starts with a --- line)",
        f"{cards}/test-split/README.md: model 'test-split', result 1: cityscapes keeps no "
        "leaderboard for 'train'",
        f"{cards}/twice/README.md: model 'twice', result 1: metric 'mean_iou' is given twice",
    ]
    # each left-out entry is a finding: "<card>: error: <why> [left-out]"
    reported = [
        re.sub(r"^(.*?): error: (.*) \[left-out\]$", r"\1: \2", line)
        for line in completed.stderr.splitlines()
    ]
    for line in expected:
        assert line in reported, (line, reported)
    assert reported[-1] == "wrote 0 files; left out 8 (see above)"
    assert not (repo / "data/results/cityscapes/val/hostile.yaml").exists()


def test_weights_and_source_name_one_card(repo: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        trainer_card(tmp_path / "cards" / name)
    completed = run_segboard("import", "hf", str(tmp_path / "cards"), f"--weights=PyTorch={HUB}",
                             cwd=repo)  # fmt: skip
    assert completed.returncode == 2
    assert "holds 2 cards not written by segboard: --weights and --source-url name one" in (
        completed.stderr
    )


def test_a_card_that_is_not_yaml_huge_or_an_alias_bomb_is_reported(
    repo: Path, tmp_path: Path
) -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    (tmp_path / "bomb").mkdir()
    (tmp_path / "bomb/README.md").write_text("---\n" + "\n".join(levels) + "\n---\n")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken/README.md").write_text("---\nmodel-index: [unclosed\n---\n")
    (tmp_path / "huge").mkdir()
    (tmp_path / "huge/README.md").write_text("---\nlicense: mit\n---\n" + "x" * 5_000_000)
    for name in ("bomb", "broken", "huge"):
        completed = run_segboard("import", "hf", str(tmp_path / name), cwd=repo)
        assert completed.returncode == 1
        assert "Traceback" not in completed.stderr
    bomb = run_segboard("import", "hf", str(tmp_path / "bomb"), cwd=repo)
    assert "its aliases (*name) expand to more than 1,000,000 values" in bomb.stderr
    broken = run_segboard("import", "hf", str(tmp_path / "broken"), cwd=repo)
    # the front matter's line in the card (its second), at the bracket it leaves open
    assert "broken/README.md:2:14: error: invalid YAML" in broken.stderr
    assert "the front matter ends before it is complete" in broken.stderr
    huge = run_segboard("import", "hf", str(tmp_path / "huge"), cwd=repo)
    assert "huge/README.md: error: larger than 4,194,304 bytes" in huge.stderr


def test_cards_without_segboard_key_keep_what_the_format_can_say(
    repo: Path, tmp_path: Path
) -> None:
    """segboard's own cards with the `segboard` key taken out are foreign cards: the mapper
    brings back dataset, split, model, paper (arxiv: tag), metrics and source of every result;
    the key is what keeps the rest (published decimals, method, weights, curation, augmentation
    the name does not show)."""
    before = {r.id: r for r in validate_repository(repo).catalog.results}
    cards = tmp_path / "cards"
    assert run_segboard("export", "--format", "hf", "-o", str(cards), cwd=repo).returncode == 0
    for path in cards.glob("*/README.md"):
        card = hub.ModelCard.load(path)
        card.data.segboard = None  # to_yaml() leaves out keys set to None
        card.save(path)
        assert "segboard:" not in path.read_text().split("---")[1].replace("- segboard", "")
    results = repo / "data/results"
    for path in results.rglob("*.yaml"):
        path.unlink()
    completed = run_segboard("import", "hf", str(cards), cwd=repo)
    assert completed.returncode == 0, completed.stderr
    after = {r.id: r for r in validate_repository(repo).catalog.results}
    assert sorted(after) == sorted(before)
    for result_id, old in before.items():
        new = after[result_id]
        assert (new.dataset, new.split, new.model, new.paper) == (
            old.dataset, old.split, old.model, old.paper,
        )  # fmt: skip
        assert new.metrics == old.metrics  # the same numbers (trailing zeros are not kept)
        assert new.extra_training_data == old.extra_training_data  # from the name's suffixes
        # augmentation the name does not show is one of the things only the key keeps
        assert set(new.test_time_augmentation) <= set(old.test_time_augmentation)
        assert new.document.data["source"]["url"] == old.document.data["source"]["url"]
