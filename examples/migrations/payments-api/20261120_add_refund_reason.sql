-- Free-text reason a support agent gives for a refund; older versions ignore it.
ALTER TABLE refunds ADD COLUMN reason text;
