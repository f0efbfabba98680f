import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 reports each wildcard of AwsSolutions-IAM5 as its own finding, `AwsSolutions-IAM5[Resource::<flat arn>]`,
 * and an acknowledgement must name that finding exactly. This renders a resource the way cdk-nag flattens it
 * (`Fn::Join` joined, `Ref` as `<Name>`, `Fn::GetAtt` as `<LogicalId.Attr>`), so the acknowledgement stays correct
 * when logical ids or pseudo parameters are involved.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}

function flattenCfnReference(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    const join = record['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flattenCfnReference).join(String(join[0]));
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${String(getAtt[0])}.${String(getAtt[1])}>`;
    if ('Ref' in record) return `<${String(record.Ref)}>`;
  }
  return JSON.stringify(node);
}
