// Package evalset reads labelled evaluation files and measures
// classifiers on them. It is the measuring side of `yuqing train` and
// `yuqing eval`: it reads `label<TAB>text` files, maps dataset labels to
// yuqing category ids (--map), splits rows into stratified folds, turns a
// classifier's category scores into a predicted class, and computes
// per-class precision/recall/F1, micro and macro averages, a binary
// "positive vs none" view, accuracy and confusion matrices.
//
// It sits outside the running pipeline: it feeds labelled text through
// the same analysis steps (normalise, segment, classify) that documents
// take between the raw and docs topics, and reports how well the
// classification step did. Nothing here reads the evaluation data shipped
// beside the project: callers pass paths.
package evalset
