package org.callrec.catalog.device;

/**
 * One device of a bulk import or a PUT body, as given (not yet validated).
 *
 * @param mac     the MAC in any accepted spelling (absent in a PUT body: it is in the path)
 * @param label   free text, may be null
 * @param enabled null means true
 */
public record ImportRow(String mac, String label, Boolean enabled) {
}
