/** The Relay `Node` interface: every object with a stable identity, fetchable again by its global id. */
import { Field, ID, InterfaceType } from 'type-graphql';

@InterfaceType('Node', {
  description: 'An object with a stable identity: `node(id:)` and `nodes(ids:)` fetch it again by its `id` (Relay Global Object Identification).',
  // Only OrgUnit implements Node for now: its resolvers return unit views, which carry a code and a path.
  resolveType: () => 'OrgUnit',
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global identifier: the same for the object on every day; do not parse it.' })
  id!: string;
}
