/**
 * Writes a folder as GetFolder and FindFolder return it: `t:ContactsFolder` for IPF.Contact and its
 * subclasses, `t:Folder` otherwise, with BaseFolderType's elements in schema order (FolderId,
 * ParentFolderId, FolderClass, DisplayName, TotalCount, ChildFolderCount, EffectiveRights), and
 * FolderType's UnreadCount after them for plain folders. AllProperties gives what
 * fixtures/getfolder-contacts.response.xml shows.
 */
import { escapeAttribute, textElement } from '../soap/envelope.js';
import { folderElementName, type EffectiveRights, type StoredFolder } from '../store/folder.js';
import { isFullShape, type Shape } from './shape.js';

export interface FolderFacts {
  readonly folder: StoredFolder;
  readonly parent: StoredFolder | undefined;
  readonly totalCount: number;
  readonly childFolderCount: number;
}

export function folderXml(facts: FolderFacts, shape: Shape): string {
  const { folder, parent } = facts;
  const element = folderElementName(folder);
  const wants = (uri: string): boolean => isFullShape(shape) || shape.fields.has(uri);
  const rights = wants('folder:EffectiveRights') ? effectiveRightsXml(folder.rights) : '';
  const unread =
    element === 'Folder' && wants('folder:UnreadCount') ? '<t:UnreadCount>0</t:UnreadCount>' : '';
  return (
    `<t:${element}>` +
    `<t:FolderId Id="${escapeAttribute(folder.id)}" ChangeKey="${escapeAttribute(folder.changeKey)}"/>` +
    (parent !== undefined && wants('folder:ParentFolderId')
      ? `<t:ParentFolderId Id="${escapeAttribute(parent.id)}" ChangeKey="${escapeAttribute(parent.changeKey)}"/>`
      : '') +
    (wants('folder:FolderClass') ? textElement('t:FolderClass', folder.folderClass) : '') +
    (wants('folder:DisplayName') ? textElement('t:DisplayName', folder.displayName) : '') +
    (wants('folder:TotalCount') ? `<t:TotalCount>${facts.totalCount}</t:TotalCount>` : '') +
    (wants('folder:ChildFolderCount')
      ? `<t:ChildFolderCount>${facts.childFolderCount}</t:ChildFolderCount>`
      : '') +
    rights +
    unread +
    `</t:${element}>`
  );
}

function effectiveRightsXml(rights: EffectiveRights): string {
  return (
    '<t:EffectiveRights>' +
    `<t:CreateAssociated>${rights.createAssociated}</t:CreateAssociated>` +
    `<t:CreateContents>${rights.createContents}</t:CreateContents>` +
    `<t:CreateHierarchy>${rights.createHierarchy}</t:CreateHierarchy>` +
    `<t:Delete>${rights.delete}</t:Delete>` +
    `<t:Modify>${rights.modify}</t:Modify>` +
    `<t:Read>${rights.read}</t:Read>` +
    `<t:ViewPrivateItems>${rights.viewPrivateItems}</t:ViewPrivateItems>` +
    '</t:EffectiveRights>'
  );
}
