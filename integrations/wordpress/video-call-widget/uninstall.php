<?php
/**
 * Removes the plugin's settings when it is deleted.
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}
foreach ( array( 'video_call_widget_server_url', 'video_call_widget_script_url', 'video_call_widget_token_secret', 'video_call_widget_token_ttl' ) as $option ) {
	delete_option( $option );
}
