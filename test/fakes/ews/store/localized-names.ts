/**
 * Default folder names follow the mailbox language, fixed when the mailbox is first opened, so a
 * source must address the Contacts folder by its distinguished id, never by name. "Recipient Cache"
 * is not localized (Exchange marks it CanNotLocalize).
 */
export type MailboxLanguage = 'en-US' | 'de-DE' | 'fr-FR' | 'es-ES';

const CONTACTS: Record<MailboxLanguage, string> = {
  'en-US': 'Contacts',
  'de-DE': 'Kontakte',
  'fr-FR': 'Contacts',
  'es-ES': 'Contactos',
};

const TOP_OF_INFORMATION_STORE: Record<MailboxLanguage, string> = {
  'en-US': 'Top of Information Store',
  'de-DE': 'Oberste Ebene des Informationsspeichers',
  'fr-FR': 'Partie supérieure de la banque d’informations',
  'es-ES': 'Parte superior del almacén de información',
};

export function contactsFolderName(language: MailboxLanguage): string {
  return CONTACTS[language];
}

export function topOfInformationStoreName(language: MailboxLanguage): string {
  return TOP_OF_INFORMATION_STORE[language];
}
