<?php
/**
 * Plugin Name:       Video Call Widget
 * Description:       Self-hosted video calls in posts and pages: the [video_call] shortcode and a "Video call" block, backed by your own video-call-widget server.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * License:           MIT
 * Text Domain:       video-call-widget
 *
 * @package VideoCallWidget
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'VIDEO_CALL_WIDGET_VERSION', '0.1.0' );
define( 'VIDEO_CALL_WIDGET_DIR', __DIR__ );

require_once __DIR__ . '/includes/token.php';
require_once __DIR__ . '/includes/access.php';
require_once __DIR__ . '/includes/install.php';
require_once __DIR__ . '/includes/render.php';
require_once __DIR__ . '/includes/settings.php';

add_action( 'init', 'video_call_widget_init' );
add_action( 'init', 'video_call_widget_maybe_upgrade' );
add_action( 'save_post', 'video_call_widget_index_post' );
register_activation_hook( __FILE__, 'video_call_widget_upgrade' );

/** Registers the shortcode, the block and the token endpoint. */
function video_call_widget_init() {
	add_shortcode( 'video_call', 'video_call_widget_shortcode' );
	register_block_type( __DIR__ . '/block', array( 'render_callback' => 'video_call_widget_render_block' ) );
}

add_action( 'rest_api_init', 'video_call_widget_rest_routes' );
add_action( 'admin_menu', 'video_call_widget_admin_menu' );
add_action( 'admin_init', 'video_call_widget_register_settings' );
add_filter( 'script_loader_tag', 'video_call_widget_module_tag', 10, 3 );
