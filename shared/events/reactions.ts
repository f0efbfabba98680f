import type { DomainEvent, DomainEventType } from './domain-events';

/**
 * What the system does when a domain event arrives (automations, journeys, attribution register theirs in later
 * issues). Delivery is at least once and a failed event is retried as a whole, so a reaction must be idempotent on
 * `event.eventId`: running it twice must not send twice.
 */
export interface Reaction<T extends DomainEventType = DomainEventType> {
  /** Unique name, used in logs. */
  readonly name: string;
  readonly on: readonly T[];
  /**
   * Records that arrive through a bulk import describe the past; a reaction sees them only if it says so (keeping an
   * index current, say), so that no automation ever fires for an imported record.
   */
  readonly includeImported?: boolean;
  run(event: Extract<DomainEvent, { type: T }>): Promise<void>;
}

export class ReactionRegistry {
  private readonly byType = new Map<DomainEventType, Reaction[]>();
  private readonly names = new Set<string>();

  register<T extends DomainEventType>(reaction: Reaction<T>): this {
    if (this.names.has(reaction.name)) throw new Error(`Reaction ${reaction.name} is registered twice`);
    this.names.add(reaction.name);
    for (const type of reaction.on) {
      const list = this.byType.get(type) ?? [];
      list.push(reaction as unknown as Reaction);
      this.byType.set(type, list);
    }
    return this;
  }

  /** The reactions that should run for this event, in registration order. */
  reactionsFor(event: DomainEvent): readonly Reaction[] {
    const all = this.byType.get(event.type) ?? [];
    return event.source === 'import' ? all.filter((reaction) => reaction.includeImported === true) : all;
  }
}

/**
 * The system's reactions, read by the domain-events consumer. A feature registers its own with
 * `reactions.register(...)` in a module that functions/queue/domain-events.ts imports; none exist yet (automations, in
 * a later issue, are the first).
 */
export const reactions = new ReactionRegistry();
