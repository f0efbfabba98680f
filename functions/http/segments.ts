import {
  countSegmentRoute,
  createSegmentRoute,
  deleteSegmentRoute,
  getSegmentJobRoute,
  getSegmentRoute,
  listSegmentsRoute,
  previewRuleRoute,
  previewSegmentRoute,
  updateSegmentRoute,
} from '../../shared/api/segments/contract';
import type { SegmentJobItem } from '../../shared/domain/segments/segment-jobs';
import {
  countSegment,
  createSegment,
  deleteSegment,
  getSegment,
  listSegments,
  previewRule,
  previewSegment,
  readSegmentJob,
  updateSegment,
  type EvaluationAnswer,
} from '../../shared/domain/segments/segment-service';
import { httpHandler, implement } from '../../shared/http/handler';
import type { HttpResult } from '../../shared/http/contract';

/** Segments API: thin adapters from HTTP to shared/domain/segments/segment-service.ts. */

const jobLink = (jobId: string) => `/v1/segments/jobs/${jobId}`;

/** 200 with the result, or 202 pointing at the job the evaluation continues in. */
function answer<R>(evaluation: EvaluationAnswer<R>): HttpResult {
  if (evaluation.kind === 'result') return { status: 200, body: evaluation.result };
  const self = jobLink(evaluation.job.jobId);
  return { status: 202, headers: { location: self }, body: { jobId: evaluation.job.jobId, status: evaluation.job.status, links: { self } } };
}

function jobView(job: SegmentJobItem) {
  return {
    jobId: job.jobId,
    kind: job.kind,
    status: job.status,
    ...(job.segmentId === undefined ? {} : { segmentId: job.segmentId }),
    evaluatedAt: job.evaluatedAt,
    progress: { customersRead: job.progress.customersRead, steps: job.progress.steps },
    ...(job.result ? { result: job.result } : {}),
    ...(job.error ? { error: job.error } : {}),
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    links: { self: jobLink(job.jobId) },
  };
}

export const handler = httpHandler([
  implement(listSegmentsRoute, async (req, principal) => ({ status: 200, body: await listSegments(principal.tenantId, req.query) })),

  implement(createSegmentRoute, async (req, principal) => {
    const segment = await createSegment(principal, req.body);
    return { status: 201, body: segment, headers: { location: `/v1/segments/${segment.segmentId}` } };
  }),

  implement(getSegmentRoute, async (req, principal) => ({ status: 200, body: await getSegment(principal.tenantId, req.params.segmentId) })),

  implement(updateSegmentRoute, async (req, principal) => ({
    status: 200,
    body: await updateSegment(principal, req.params.segmentId, req.body),
  })),

  implement(deleteSegmentRoute, async (req, principal) => {
    await deleteSegment(principal, req.params.segmentId);
    return { status: 204 };
  }),

  implement(countSegmentRoute, async (req, principal) => answer(await countSegment(principal, req.params.segmentId))),

  implement(previewSegmentRoute, async (req, principal) => answer(await previewSegment(principal, req.params.segmentId, req.query.limit))),

  implement(previewRuleRoute, async (req, principal) => answer(await previewRule(principal, req.body.rule, req.body.limit ?? 25))),

  implement(getSegmentJobRoute, async (req, principal) => ({ status: 200, body: jobView(await readSegmentJob(principal.tenantId, req.params.jobId)) })),
]);
