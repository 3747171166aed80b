"""The site's two languages: their codes, and every word of the interface in each."""

from __future__ import annotations

LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "简体中文"}

UI: dict[str, dict[str, str]] = {
    "home": {"en": "Home", "zh": "首页"},
    "site_name": {"en": "segboard", "zh": "segboard"},
    "tagline": {
        "en": "Semantic-segmentation leaderboards kept as checked data.",
        "zh": "以可校验数据维护的语义分割排行榜。",
    },
    "datasets": {"en": "Datasets", "zh": "数据集"},
    "papers": {"en": "Papers", "zh": "论文"},
    "metrics": {"en": "Metrics", "zh": "评测指标"},
    "about": {"en": "About", "zh": "关于"},
    "contributing": {"en": "Contributing", "zh": "参与贡献"},
    "dataset": {"en": "Dataset", "zh": "数据集"},
    "leaderboard": {"en": "Leaderboard", "zh": "排行榜"},
    "leaderboards": {"en": "Leaderboards", "zh": "排行榜"},
    "best": {"en": "Best result", "zh": "最佳结果"},
    "results": {"en": "Results", "zh": "结果数"},
    "newest": {"en": "Newest", "zh": "最新结果"},
    "rank": {"en": "Rank", "zh": "排名"},
    "model": {"en": "Model", "zh": "模型"},
    "tags": {"en": "Tags", "zh": "标签"},
    "check": {"en": "Check", "zh": "校验"},
    "weights": {"en": "Weights", "zh": "权重"},
    "paper": {"en": "Paper", "zh": "论文"},
    "code": {"en": "Code", "zh": "代码"},
    "split": {"en": "Split", "zh": "划分"},
    "metric": {"en": "Metric", "zh": "指标"},
    "score": {"en": "Score", "zh": "得分"},
    "na": {"en": "N/A", "zh": "无"},
    "facts": {"en": "Facts", "zh": "基本信息"},
    "classes": {"en": "Classes", "zh": "类别"},
    "class_names": {"en": "Class names", "zh": "类别名称"},
    "splits": {"en": "Splits", "zh": "数据划分"},
    "images": {"en": "images", "zh": "张图像"},
    "labels_public": {"en": "labels public", "zh": "标注公开"},
    "labels_server": {"en": "labels on the evaluation server", "zh": "标注仅在评测服务器上"},
    "labels_none": {"en": "no labels", "zh": "无标注"},
    "ignore_label": {"en": "Ignore label", "zh": "忽略标签"},
    "label_conventions": {"en": "Label conventions", "zh": "标注约定"},
    "homepage": {"en": "Homepage", "zh": "主页"},
    "description": {"en": "Description", "zh": "简介"},
    "ranked_by": {"en": "Ranked by", "zh": "排名依据"},
    "formula": {"en": "Formula", "zh": "公式"},
    "higher_better": {"en": "higher is better", "zh": "越高越好"},
    "lower_better": {"en": "lower is better", "zh": "越低越好"},
    "range": {"en": "Range", "zh": "取值范围"},
    "derived_from": {"en": "Derived from", "zh": "由以下指标计算"},
    "downloads": {"en": "Download", "zh": "下载"},
    "all_data": {"en": "All leaderboards as JSON", "zh": "全部排行榜（JSON）"},
    "chart_title": {"en": "State of the art over time", "zh": "历年最佳结果"},
    "chart_x": {"en": "paper date", "zh": "论文日期"},
    "no_results": {"en": "No results yet.", "zh": "暂无结果。"},
    "date": {"en": "Date", "zh": "日期"},
    "venue": {"en": "Venue", "zh": "发表于"},
    "official": {"en": "official", "zh": "官方"},
    "unofficial": {"en": "unofficial", "zh": "非官方"},
    "read_paper": {"en": "paper", "zh": "论文"},
    "paper_results": {"en": "Results from this paper", "zh": "该论文的结果"},
    "all_results_of_paper": {"en": "all results of this paper", "zh": "该论文的全部结果"},
    "colon": {"en": ": ", "zh": "："},
    "ranked_sentence": {
        "en": "Ranked by {metric} ({name}), {direction}.",
        "zh": "排名依据：{metric}（{name}），{direction}。",
    },
    "formula_sentence": {"en": " Formula: {formula}.", "zh": "公式：{formula}。"},
    "download_sentence": {"en": " Download: {links}", "zh": "下载：{links}"},
    "claimed": {"en": "claimed", "zh": "未校验"},
    "consistent": {"en": "consistent", "zh": "一致"},
    "verified": {"en": "verified", "zh": "已验证"},
    "claimed_tip": {"en": "as published, not recomputed", "zh": "按发表值记录，未重新计算"},
    "consistent_tip": {"en": "agrees with its components", "zh": "与分项指标相符"},
    "verified_tip": {"en": "recomputed from evidence", "zh": "已根据证据重新计算"},
}

# Labels of structured fields, as shown in tag chips.
TAG_LABELS: dict[str, dict[str, str]] = {
    "coco": {"en": "COCO", "zh": "COCO"},
    "imagenet": {"en": "ImageNet", "zh": "ImageNet"},
    "imagenet-22k": {"en": "ImageNet-22K", "zh": "ImageNet-22K"},
    "jft-300m": {"en": "JFT-300M", "zh": "JFT-300M"},
    "sbd": {"en": "SBD", "zh": "SBD"},
    "cityscapes-coarse": {"en": "Cityscapes coarse", "zh": "Cityscapes 粗标注"},
    "mapillary-vistas": {"en": "Mapillary Vistas", "zh": "Mapillary Vistas"},
    "ade20k": {"en": "ADE20K", "zh": "ADE20K"},
    "objects365": {"en": "Objects365", "zh": "Objects365"},
    "multi-scale": {"en": "multi-scale test", "zh": "多尺度测试"},
    "flip": {"en": "flip test", "zh": "翻转测试"},
}


def t(key: str, lang: str) -> str:
    return UI[key][lang]
