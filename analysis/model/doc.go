// Package model is yuqing's trainable text classifier: a multinomial naive
// Bayes or logistic-regression model over words and character bigrams that
// implements classify.Classifier, so a model trained on an analyst's own
// labelled data can stand beside (Combine) or replace the default rules.
//
// It sits in the analysis stage, after normalisation and segmentation:
//
//	collectors ─raw─▶ analysis: normalise → segment → classify (rules, model) ─docs─▶ index, rules
//
// Training and evaluation are driven by `yuqing train` and `yuqing eval`
// (internal/evalset reads the labelled files and computes the metrics).
// A model is immutable once trained or loaded and safe for concurrent use.
// Models trained on research data sets are measurements, not something to
// ship: the project contains no trained model.
package model
