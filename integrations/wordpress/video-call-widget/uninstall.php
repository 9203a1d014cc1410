<?php
/**
 * Removes what the plugin stored when it is deleted: its settings, the host capability from every role, and the
 * room index in post meta.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}
foreach ( array( 'video_call_widget_server_url', 'video_call_widget_script_url', 'video_call_widget_token_secret', 'video_call_widget_token_ttl', 'video_call_widget_allowed_rooms', 'video_call_widget_db_version' ) as $option ) {
	delete_option( $option );
}
foreach ( wp_roles()->role_objects as $role ) {
	if ( $role->has_cap( 'vcw_host_calls' ) ) {
		$role->remove_cap( 'vcw_host_calls' );
	}
}
delete_post_meta_by_key( '_video_call_widget_room' );
