<?php
/**
 * Activation and upgrades: the `vcw_host_calls` capability (granted to administrators; only its holders may join
 * as `host`) and the room index for posts written before it existed.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'VIDEO_CALL_WIDGET_HOST_CAP', 'vcw_host_calls' );
define( 'VIDEO_CALL_WIDGET_DB_VERSION', 2 );

/** Whether the current user may join calls as `host` (host controls, the support desk). */
function video_call_widget_can_host() {
	return current_user_can( VIDEO_CALL_WIDGET_HOST_CAP );
}

/** On activation, and once after each upgrade (init): grants the host capability to administrators if missing, indexes rooms. */
function video_call_widget_upgrade() {
	$admin = get_role( 'administrator' );
	if ( $admin && ! $admin->has_cap( VIDEO_CALL_WIDGET_HOST_CAP ) ) {
		$admin->add_cap( VIDEO_CALL_WIDGET_HOST_CAP );
	}
	video_call_widget_index_all_posts();
	update_option( 'video_call_widget_db_version', VIDEO_CALL_WIDGET_DB_VERSION );
}

/** init: runs the upgrade once when the stored version is older (an update replaces files without activating). */
function video_call_widget_maybe_upgrade() {
	if ( (int) get_option( 'video_call_widget_db_version', 0 ) < VIDEO_CALL_WIDGET_DB_VERSION ) {
		video_call_widget_upgrade();
	}
}
