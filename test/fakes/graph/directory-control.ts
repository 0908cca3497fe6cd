/**
 * How a test changes the directory between delta rounds: add, change, disable, soft-delete
 * (Graph's `@removed: {reason: "changed"}`, restorable), permanently delete (`"deleted"`) and
 * restore users and orgContacts; add groups and change their members. Each call is one change in the collection's log, so the next delta
 * round reports it exactly once.
 */
import {
  groupFrom,
  orgContactFrom,
  userFrom,
  type GraphGroup,
  type GraphUser,
  type NewGroup,
  type NewOrgContact,
  type NewUser,
  type OnPremisesExtensionAttributes,
  type OrgContact,
} from './directory-model.js';
import type { TrackedCollection } from './tracked-collection.js';

export type UserChange = Partial<Omit<GraphUser, 'id' | 'onPremisesExtensionAttributes'>> & {
  readonly onPremisesExtensionAttributes?: Partial<OnPremisesExtensionAttributes>;
};

export interface DeleteOptions {
  /** Permanently (`"deleted"`); by default a soft delete (`"changed"`), as deleting in Entra ID is. */
  readonly permanent?: boolean;
}

export class DirectoryControl {
  constructor(
    readonly users: TrackedCollection<GraphUser>,
    readonly orgContacts: TrackedCollection<OrgContact>,
    readonly groups: TrackedCollection<GraphGroup>,
  ) {}

  addUser(fields: NewUser): GraphUser {
    return this.users.add(userFrom(fields));
  }

  /** Changes properties; extension attributes are merged into the existing ones. */
  updateUser(id: string, change: UserChange): GraphUser {
    const current = this.user(id);
    const { onPremisesExtensionAttributes, ...rest } = change;
    return this.users.update(id, {
      ...rest,
      ...(onPremisesExtensionAttributes === undefined
        ? {}
        : {
            onPremisesExtensionAttributes: {
              ...current.onPremisesExtensionAttributes,
              ...onPremisesExtensionAttributes,
            },
          }),
    });
  }

  disableUser(id: string): GraphUser {
    return this.updateUser(id, { accountEnabled: false });
  }

  enableUser(id: string): GraphUser {
    return this.updateUser(id, { accountEnabled: true });
  }

  deleteUser(id: string, options: DeleteOptions = {}): void {
    this.users.remove(id, options.permanent === true ? 'deleted' : 'changed');
  }

  restoreUser(id: string): GraphUser {
    return this.users.restore(id);
  }

  user(id: string): GraphUser {
    const user = this.users.get(id);
    if (user === undefined) throw new Error(`No live user ${id}`);
    return user;
  }

  /** A live user by userPrincipalName (case-insensitive). */
  userByPrincipalName(userPrincipalName: string): GraphUser | undefined {
    const lower = userPrincipalName.toLowerCase();
    return this.users.find((user) => user.userPrincipalName.toLowerCase() === lower);
  }

  addOrgContact(fields: NewOrgContact): OrgContact {
    return this.orgContacts.add(orgContactFrom(fields));
  }

  updateOrgContact(id: string, change: Partial<Omit<OrgContact, 'id'>>): OrgContact {
    return this.orgContacts.update(id, change);
  }

  deleteOrgContact(id: string, options: DeleteOptions = {}): void {
    this.orgContacts.remove(id, options.permanent === true ? 'deleted' : 'changed');
  }

  restoreOrgContact(id: string): OrgContact {
    return this.orgContacts.restore(id);
  }

  /** A group; `members` are user or group object ids (a group member nests its members). */
  addGroup(fields: NewGroup): GraphGroup {
    for (const member of fields.members ?? []) this.#memberExists(member);
    return this.groups.add(groupFrom(fields));
  }

  /** Adds a user or group (by object id) to a group's direct members; already a member: no change. */
  addMember(groupId: string, memberId: string): GraphGroup {
    const group = this.group(groupId);
    this.#memberExists(memberId);
    if (group.members.includes(memberId)) return group;
    return this.groups.update(groupId, { members: [...group.members, memberId] });
  }

  removeMember(groupId: string, memberId: string): GraphGroup {
    const group = this.group(groupId);
    if (!group.members.includes(memberId)) throw new Error(`${memberId} is no member of group ${groupId}`);
    return this.groups.update(groupId, { members: group.members.filter((id) => id !== memberId) });
  }

  group(id: string): GraphGroup {
    const group = this.groups.get(id);
    if (group === undefined) throw new Error(`No group ${id}`);
    return group;
  }

  #memberExists(id: string): void {
    if (this.users.get(id) === undefined && this.groups.get(id) === undefined)
      throw new Error(`No live user or group ${id} to make a member`);
  }
}
